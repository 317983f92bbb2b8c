import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { assertPortFree, createRootLogger, describeStartupError, loadConfigOrExit, prepareDatabase, SUPERVISOR_PID_VARIABLE } from '@app/core';

/**
 * `npm start`: the whole stack on one machine. Starts (or reuses) the embedded PostgreSQL unless
 * DATABASE_URL is set, applies migrations once, then runs the gateway and the admin API as two
 * child processes pointed at it — the same entry points that run alone in production.
 * `--migrate-only` applies the migrations and exits (the compose file's one-shot service).
 * The apps stop by themselves when this process is gone, however it died; so does the embedded
 * PostgreSQL (its watchdog). A port already taken stops start-up before anything runs.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('stack');
  const logger = createRootLogger(config.logLevel, 'stack');
  if (!process.argv.includes('--migrate-only')) {
    await assertPortFree(config.gatewayPort, config.host, 'GATEWAY_PORT');
    await assertPortFree(config.adminPort, config.host, 'ADMIN_PORT');
  }
  const database = await prepareDatabase(config, (line) => logger.debug({ postgres: line }));
  logger.info({ embedded: Boolean(database.embedded), dataDir: config.dataDir }, 'database ready');
  if (process.argv.includes('--migrate-only')) {
    await database.embedded?.stop();
    return;
  }

  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database.url, DATA_DIR: config.dataDir, [SUPERVISOR_PID_VARIABLE]: String(process.pid) };
  delete env.DATABASE_URL_FILE; // resolved above
  // the gateway does not get the admin API's secrets
  const withheld = new Set(['JWT_SECRET', 'JWT_SECRET_FILE', 'ADMIN_PASSWORD', 'ADMIN_PASSWORD_FILE', 'ADMIN_EMAIL']);
  const gatewayEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(env).filter(([name]) => !withheld.has(name)));
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const start = (name: string) => {
    const child = fork(join(__dirname, '..', name, 'main.js'), [], { env: name === 'gateway' ? gatewayEnv : env, stdio: 'inherit' });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      children.delete(name);
      if (stopping) return;
      logger.error({ app: name, code, signal }, 'app exited; stopping the stack');
      void stop(1);
    });
  };

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 35_000).unref();
          }),
      ),
    );
    await database.embedded?.stop();
    process.exit(exitCode);
  };

  process.once('SIGTERM', () => void stop(0));
  process.once('SIGINT', () => void stop(0));
  process.once('SIGHUP', () => void stop(0)); // the terminal closed: stop in order rather than die
  start('gateway');
  start('admin-api');
}

main().catch((error: unknown) => {
  process.stderr.write(`tollgate failed to start: ${describeStartupError(error)}\n`);
  process.exit(1);
});
