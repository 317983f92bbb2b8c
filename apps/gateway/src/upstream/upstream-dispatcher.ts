import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '@app/core';
import { ModelCatalogService, ModelRoute } from '../catalog/model-catalog.service';
import { GatewayError } from '../proxy/gateway-error';
import type { UpstreamRequest } from '../proxy/upstream-request';
import { UpstreamPoolsService } from '../proxy/upstream-pools.service';
import { AccountAlerts } from './account-alerts';
import { AccountHealthService } from './account-health.service';
import { bufferedResponse, readBounded, UpstreamResponse } from './buffered-response';
import type { UpstreamAccount } from './upstream-account';
import { CallCancellation, exchange } from './upstream-exchange';
import { UpstreamAccountMetrics } from './upstream-account-metrics';
import { classifyConnectionError, classifyUpstreamError, UpstreamFailure } from './upstream-error-class';

/** At most this many attempts per model (its provider's accounts), each with its own connect timeout. */
const MAX_ATTEMPTS = 3;
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The one answer the client sees, and who gave it. */
export interface UpstreamAnswer {
  response: UpstreamResponse;
  /** The account that answered (null if none could be tried). */
  account: UpstreamAccount | null;
  /** The model that answered: the requested one, or a fallback. */
  route: ModelRoute;
  /** The request as sent to the model that answered (its translation, if any, applies to the answer). */
  request: UpstreamRequest;
}

/**
 * No answer to relay: `cause` is a GatewayError the gateway answers itself, or the transport error
 * of the last attempt. `account` and `route` say whom the call is attributed to.
 */
export class UpstreamCallError extends Error {
  constructor(
    readonly cause: unknown,
    readonly account: UpstreamAccount | null,
    readonly route: ModelRoute,
  ) {
    super(cause instanceof Error ? cause.message : 'upstream call failed');
  }
}

interface Exhausted {
  done: false;
  account?: UpstreamAccount;
  route: ModelRoute;
  /** The last provider answer (a retryable error), if the last attempt got one. */
  answer?: UpstreamAnswer;
  failure?: UpstreamFailure;
  /** The last attempt's transport error, if it got no answer. */
  error?: unknown;
}

type RouteOutcome = { done: true; answer: UpstreamAnswer } | Exhausted;

/**
 * Sends one call upstream with failover. Picks an enabled, healthy account of the model's
 * provider by weight; a 429, 5xx, refused credentials or a connection failure — all before the
 * first byte reached the client — is retried on another account (another limit group after a
 * 429), up to MAX_ATTEMPTS. When every account of the provider is limited or down, the model's
 * fallbacks are tried the same way. Errors about the request itself are answered at once.
 * Health and failed attempts are recorded per account (never as usage events).
 */
@Injectable()
export class UpstreamDispatcher {
  constructor(
    private readonly pools: UpstreamPoolsService,
    private readonly catalog: ModelCatalogService,
    private readonly health: AccountHealthService,
    private readonly alerts: AccountAlerts,
    private readonly metrics: UpstreamAccountMetrics,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** `allows`: whether the caller may use a model (fallbacks obey the caller's allowed models). */
  async send(route: ModelRoute, request: UpstreamRequest, allows: (model: string) => boolean, cancellation: CallCancellation): Promise<UpstreamAnswer> {
    let last: Exhausted | undefined;
    for (const [candidate, built] of this.candidates(route, request, allows)) {
      if (last) this.metrics.failovers.inc({ provider: route.providerId });
      const outcome = await this.tryRoute(candidate, built, cancellation);
      if (outcome.done) return outcome.answer;
      last = outcome;
      if (cancellation.cancelled) break;
    }
    // The client went away between attempts: nothing to answer, nobody to fail over for.
    if (cancellation.cancelled) throw new UpstreamCallError(new Error('the client closed the request'), last?.account ?? null, last?.route ?? route);
    // Nothing could be tried (every account cooling, no fallback with room): the account whose
    // cool-down ends first gets the call after all. The provider may have recovered before its
    // Retry-After, and if not, the client gets the provider's own 429 and headers, as without accounts.
    if (!last?.answer && last?.error === undefined) {
      const soonest = this.health.soonest(route.accounts);
      if (soonest) {
        const outcome = await this.tryRoute(route, request, cancellation, soonest);
        if (outcome.done) return outcome.answer;
        last = outcome;
      }
    }
    return this.exhausted(route, last);
  }

  /** The requested model, then its fallbacks that exist, are enabled, allowed to the caller and serve this operation. */
  private *candidates(route: ModelRoute, request: UpstreamRequest, allows: (model: string) => boolean): Generator<[ModelRoute, UpstreamRequest]> {
    yield [route, request];
    const seen = new Set([route.name]);
    for (const name of route.fallbacks) {
      if (seen.has(name)) continue;
      seen.add(name);
      const fallback = this.catalog.route(name);
      if (!fallback || !allows(fallback.name)) continue;
      let built: UpstreamRequest;
      try {
        built = request.forRoute(fallback);
      } catch {
        continue; // e.g. the fallback's provider does not serve this operation
      }
      yield [fallback, built];
    }
  }

  /** Up to MAX_ATTEMPTS accounts of one model; `only`: just that account, once. */
  private async tryRoute(route: ModelRoute, request: UpstreamRequest, cancellation: CallCancellation, only?: UpstreamAccount): Promise<RouteOutcome> {
    const tried = new Set<string>();
    let last: Exhausted = { done: false, route };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const account = only ? (attempt === 0 ? only : undefined) : this.pick(route.accounts, tried);
      if (!account) break;
      if (attempt > 0) this.metrics.failovers.inc({ provider: route.providerId });
      tried.add(account.id);
      let response: UpstreamResponse;
      try {
        const headers = { ...request.headers, ...route.adapter.authHeaders(account.credentials, request.operation) };
        const options = { method: 'POST', path: request.target.path, headers, body: request.payload } as const;
        response = await exchange(this.pools.pool(request.target.origin), options, cancellation);
      } catch (error) {
        const failure = cancellation.cancelled ? null : classifyConnectionError(error);
        if (!failure) throw new UpstreamCallError(error, account, route);
        this.logger.warn({ providerId: route.providerId, accountId: account.id, code: failure.code }, 'upstream account unreachable; trying another');
        this.failed(route, account, failure);
        last = { done: false, route, account, error, failure };
        continue;
      }
      if (response.statusCode < 300) {
        this.health.succeeded(account);
        return { done: true, answer: { response, account, route, request } };
      }
      const payload = await readBounded(response.body, MAX_ERROR_BODY_BYTES).catch(() => Buffer.alloc(0));
      const json = safeJson(payload);
      const failure = classifyUpstreamError(response.statusCode, route.adapter.errorCode(json), errorMessage(json), response.headers['retry-after']);
      const answer: UpstreamAnswer = { response: bufferedResponse(response, payload), account, route, request };
      this.failed(route, account, failure);
      if (failure.kind === 'final') return { done: true, answer };
      last = { done: false, route, account, answer, failure };
      if (cancellation.cancelled) break;
    }
    return last;
  }

  /**
   * One healthy account for a call that is not failed over (pass-through routes, token counts):
   * the weighted choice `send` would make first. Undefined when none is available.
   */
  account(route: ModelRoute): UpstreamAccount | undefined {
    return this.pick(route.accounts, new Set()) ?? this.health.soonest(route.accounts);
  }

  /** Weighted random choice among the accounts that may be called now and were not tried for this call. */
  private pick(accounts: UpstreamAccount[], tried: Set<string>): UpstreamAccount | undefined {
    const now = Date.now();
    let total = 0;
    const open: UpstreamAccount[] = [];
    for (const account of accounts) {
      if (tried.has(account.id) || !this.health.isAvailable(account, now)) continue;
      open.push(account);
      total += account.weight;
    }
    if (open.length <= 1) return open[0];
    let ticket = Math.random() * total;
    for (const account of open) {
      ticket -= account.weight;
      if (ticket < 0) return account;
    }
    return open[open.length - 1];
  }

  private failed(route: ModelRoute, account: UpstreamAccount, failure: UpstreamFailure): void {
    const status = this.health.failed(account, failure);
    if (failure.kind === 'final') return;
    if (status === 'auth') this.alerts.accountAuth(account, failure.code);
    if (route.accounts.length > 0 && route.accounts.every((a) => !this.health.isAvailable(a))) {
      this.alerts.allUnavailable(route.providerId, route.accounts, this.health.nextAvailableAt(route.accounts));
    }
  }

  /**
   * No account of the model or its fallbacks could answer. The client gets the last provider
   * answer (a 429 or 5xx, as before accounts existed), except refused credentials — a 401 would
   * read as the client's own key being wrong — and no account at all, which the gateway answers.
   */
  private exhausted(route: ModelRoute, last: Exhausted | undefined): UpstreamAnswer {
    const account = last?.account ?? null;
    const at = last?.route ?? route;
    if (last?.answer && last.failure?.kind !== 'auth') return last.answer;
    if (last?.error !== undefined) throw new UpstreamCallError(last.error, account, at);
    if (last?.failure?.kind === 'auth') {
      const refused = new GatewayError(
        502,
        'upstream_unavailable',
        'The provider refused the gateway’s credentials for this model; an administrator has been alerted.',
      );
      throw new UpstreamCallError(refused, account, at);
    }
    const next = this.health.nextAvailableAt(route.accounts);
    if (next !== null) {
      const seconds = Math.max(1, Math.ceil((next - Date.now()) / 1000));
      const limited = new GatewayError(503, 'upstream_unavailable', 'Every upstream account for this model is rate-limited or down; try again later.', null, {
        'retry-after': String(seconds),
      });
      throw new UpstreamCallError(limited, null, route);
    }
    throw new UpstreamCallError(new GatewayError(503, 'upstream_unavailable', 'No upstream account is available for this model.'), null, route);
  }
}

function safeJson(payload: Buffer): unknown {
  try {
    return JSON.parse(payload.toString('utf8'));
  } catch {
    return null;
  }
}

function errorMessage(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const record = body as { error?: { message?: unknown }; error_msg?: unknown; message?: unknown };
  const message = record.error?.message ?? record.error_msg ?? record.message;
  return typeof message === 'string' ? message : '';
}
