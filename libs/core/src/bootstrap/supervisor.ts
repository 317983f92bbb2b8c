import { processAlive } from '../database/postmaster';

/** The variable through which a supervisor (the stack, the gateway's cluster primary) names itself to its apps. */
export const SUPERVISOR_PID_VARIABLE = 'TOLLGATE_SUPERVISOR_PID';

/**
 * For an app started by a supervisor: when the supervisor is gone, however it died (SIGKILL, OOM
 * killer, closed terminal), the app shuts down the way it does on SIGTERM — calls in flight
 * finish, metering is flushed to the spool — instead of living on as an orphan holding its port.
 * Two signals, whichever comes first: the IPC channel closing, and the supervisor's pid dying
 * (checked every 250 ms: the supervisor's pid no longer names a live process).
 */
export function exitWithSupervisor(supervisorPid: number | undefined, onGone: () => void = () => process.kill(process.pid, 'SIGTERM')): void {
  if (!supervisorPid) return;
  let gone = false;
  const fire = () => {
    if (gone) return;
    gone = true;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(() => {
    if (!processAlive(supervisorPid)) fire();
  }, 250);
  timer.unref();
  if (process.connected) process.once('disconnect', fire);
  // a closed terminal hangs up the whole process group: stop as on SIGTERM, not by the default of dying
  process.once('SIGHUP', fire);
  if (!processAlive(supervisorPid)) fire();
}
