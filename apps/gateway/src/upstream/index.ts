import { AccountAlerts } from './account-alerts';
import { AccountHealthRecorder } from './account-health.recorder';
import { AccountHealthService } from './account-health.service';
import { UpstreamAccountMetrics } from './upstream-account-metrics';
import { UpstreamDispatcher } from './upstream-dispatcher';

/** Upstream accounts: health, its persistence, alerts, metrics and the failover dispatcher. */
export const UPSTREAM_ACCOUNT_PROVIDERS = [AccountHealthRecorder, AccountHealthService, AccountAlerts, UpstreamAccountMetrics, UpstreamDispatcher];
export { UpstreamCallError, UpstreamDispatcher } from './upstream-dispatcher';
export type { UpstreamAnswer } from './upstream-dispatcher';
export type { UpstreamAccount } from './upstream-account';
