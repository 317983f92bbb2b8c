import { DateTime } from 'luxon';
import { fetchJson } from '../outbound/outbound-http';
import type { PollContext, PollTarget, ProviderPoller } from '../polling/provider-poller';
import type { ProviderSnapshotResult, ReportedUsage } from '../polling/provider-snapshot';
import { signSdkHmacSha256 } from './sdk-hmac-sha256.signer';

const SEGMENT_MS = 29 * 24 * 3600 * 1000;

/**
 * Huawei MaaS: provider-reported usage from ModelArts `show-statistics` (AK/SK signed), with the
 * project id looked up through IAM when not configured. Token figures arrive in thousands;
 * ranges over 30 days are split into 29-day segments and summed.
 */
export class HuaweiMaasPoller implements ProviderPoller {
  /** Today's statistics, from midnight in APP_TIMEZONE. */
  poll(target: PollTarget, context: PollContext): Promise<ProviderSnapshotResult> {
    const from = DateTime.fromJSDate(context.now, { zone: context.timezone }).startOf('day').toJSDate();
    return this.reportedUsage(target, from, context.now, context);
  }

  async reportedUsage(target: PollTarget, from: Date, to: Date, context: PollContext): Promise<ProviderSnapshotResult> {
    const timezone = context.timezone;
    const accessKey = target.credentials.accessKey;
    const secretKey = target.credentials.secretKey;
    if (typeof accessKey !== 'string' || typeof secretKey !== 'string') {
      return { status: 'ok', message: 'no AK/SK configured: nothing to poll', balance: null, limits: [], usage: null, raw: {} };
    }
    const region = String(target.options.region ?? 'cn-southwest-2');
    const iam = String(target.options.iamEndpoint ?? `https://iam.${region}.myhuaweicloud.com`).replace(/\/+$/, '');
    const modelarts = String(target.options.modelartsEndpoint ?? `https://modelarts.${region}.myhuaweicloud.com`).replace(/\/+$/, '');
    const raw: Record<string, unknown> = {};
    const signedFetch = (method: string, url: string, body?: string) => {
      const { headers } = signSdkHmacSha256({ method, url, headers: { 'Content-Type': 'application/json' }, body }, accessKey, secretKey);
      return fetchJson(url, { method, headers, body, timeoutMs: context.timeoutMs });
    };

    let projectId = typeof target.options.projectId === 'string' ? target.options.projectId : undefined;
    if (!projectId) {
      const projects = await signedFetch('GET', `${iam}/v3/projects?name=${encodeURIComponent(region)}`);
      raw.projects = projects;
      projectId = (projects.projects as Array<{ id: string }> | undefined)?.[0]?.id;
      if (!projectId) throw new Error(`IAM returned no project for region ${region}`);
    }

    const usage: ReportedUsage = { from: from.toISOString(), to: to.toISOString(), requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const segments: unknown[] = [];
    for (let start = from.getTime(); start < to.getTime(); start += SEGMENT_MS) {
      const end = Math.min(start + SEGMENT_MS, to.getTime());
      const body = JSON.stringify({ service_type: Number(target.options.serviceType ?? 2), start_time: start, end_time: end, infer_type: 'real_time', timezone });
      const stats = await signedFetch('POST', `${modelarts}/v1/${projectId}/maas/monitoring/show-statistics`, body);
      segments.push(stats);
      usage.requests += Number(stats.total_request_count ?? 0);
      usage.errors += Number(stats.total_error_count ?? 0);
      // Token figures are reported in thousands.
      usage.promptTokens += Math.round(Number(stats.total_prompt_token ?? 0) * 1000);
      usage.completionTokens += Math.round(Number(stats.total_completion_token ?? 0) * 1000);
      usage.totalTokens += Math.round(Number(stats.total_token ?? 0) * 1000);
    }
    raw.statistics = segments;
    return { status: 'ok', message: null, balance: null, limits: [], usage, raw };
  }
}
