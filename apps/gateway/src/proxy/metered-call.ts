import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { TokenUsage } from '@app/providers';
import { PriceCalculator, QuotaCharge, UsageRecord } from '@app/usage';
import type { ModelRoute } from '../catalog/model-catalog.service';
import type { Principal } from '../key-auth/principal';
import { Billing, billingOf } from './billing-rule';
import type { UpstreamAccount } from '../upstream/upstream-account';

/**
 * Everything learnt about one call while it runs; becomes exactly one usage record at the end,
 * whatever happened (refused, failed, hung up, or served).
 */
export class MeteredCall {
  readonly receivedAt = new Date();
  private readonly t0 = performance.now();
  /** The model route once the model is known (a fallback's route once one answered). */
  route: ModelRoute | undefined;
  /** The upstream account that answered (or was tried last). */
  account: UpstreamAccount | null = null;
  model: string | null = null;
  stream = false;
  status = 0;
  errorCode: string | null = null;
  ttftMs: number | null = null;
  /** The provider's own counts, when they arrived. */
  usage: TokenUsage | null = null;
  /** Local prompt estimate, used when the provider's counts never arrive. */
  estimatedPromptTokens = 0;
  /** Whether the call reached the provider (only then can it have cost anything). */
  forwarded = false;
  /** Lazily estimates completion tokens from what was delivered (only needed without usage). */
  estimateCompletion: (() => number) | undefined;
  quotaCharges: QuotaCharge[] = [];

  /**
   * Only an authenticated call is metered (nobody to charge otherwise), so a call starts with its
   * principal; `id` is the request id already given to the client (`x-request-id`).
   */
  constructor(
    readonly endpoint: UsageRecord['endpoint'],
    readonly principal: Principal,
    readonly id: string = randomUUID(),
  ) {}

  /** The route, for steps that only run once the model was routed (a bug otherwise). */
  routed(): ModelRoute {
    if (!this.route) throw new Error('MeteredCall: no model route yet');
    return this.route;
  }

  /** First byte of output relayed to the client (time to first token for streams). */
  markFirstByte(): void {
    if (this.ttftMs === null) this.ttftMs = Math.round(performance.now() - this.t0);
  }

  toRecord(prices: PriceCalculator, replicaId: string): UsageRecord {
    const principal = this.principal;
    const tokens = this.finalTokens();
    const priced = this.route && tokens.estimatedOrReal ? prices.price(this.route.price, tokens.usage) : undefined;
    return {
      id: this.id,
      createdAt: this.receivedAt.toISOString(),
      userId: principal.userId,
      departmentId: principal.departmentId,
      apiKeyId: principal.apiKeyId,
      providerId: this.route?.providerId ?? null,
      accountId: this.account?.id ?? null,
      model: this.route?.name ?? this.model,
      endpoint: this.endpoint,
      stream: this.stream,
      status: this.status,
      latencyMs: Math.round(performance.now() - this.t0),
      ttftMs: this.stream ? this.ttftMs : null,
      ...tokens.usage,
      cost: priced?.cost ?? '0',
      currency: priced?.currency ?? this.route?.price.currency ?? null,
      inputPrice: priced?.inputPrice ?? null,
      outputPrice: priced?.outputPrice ?? null,
      cachedInputPrice: priced?.cachedInputPrice ?? null,
      cacheWriteInputPrice: priced?.cacheWriteInputPrice ?? null,
      estimated: tokens.estimated,
      errorCode: this.errorCode,
      quotaCharges: this.quotaCharges,
      replicaId,
    };
  }

  /** How this call is counted (see billing-rule.ts). */
  billing(): Billing {
    return billingOf({
      providerReportedUsage: this.usage !== null,
      forwarded: this.forwarded,
      producedOutput: this.forwarded && this.ttftMs !== null,
      status: this.status,
    });
  }

  private finalTokens(): { usage: TokenUsage; estimated: boolean; estimatedOrReal: boolean } {
    const billing = this.billing();
    if (billing === 'billed' && this.usage) return { usage: this.usage, estimated: false, estimatedOrReal: true };
    if (billing === 'free') return { usage: zeroUsage(), estimated: false, estimatedOrReal: false };
    const completionTokens = this.estimateCompletion?.() ?? 0;
    const promptTokens = this.estimatedPromptTokens;
    return {
      usage: { promptTokens, completionTokens, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: promptTokens + completionTokens },
      estimated: true,
      estimatedOrReal: true,
    };
  }
}

function zeroUsage(): TokenUsage {
  return { promptTokens: 0, completionTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, totalTokens: 0 };
}
