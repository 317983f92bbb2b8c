/** How a call's usage is counted (and charged against quotas). */
export type Billing = 'billed' | 'estimated' | 'free';

export interface CallOutcome {
  /** The provider reported token counts for the call. */
  providerReportedUsage: boolean;
  /** The request was sent to the provider (only then can it have cost anything). */
  forwarded: boolean;
  /** Output reached the client (a first byte was relayed, or a success arrived without usage). */
  producedOutput: boolean;
  /** HTTP status the call ended with (499: the client hung up). */
  status: number;
}

/**
 * The billing rule, in one place:
 * - **billed** — the provider reported usage: its counts are the call's, whatever else happened;
 * - **estimated** — no counts, but the provider did work the company pays for: it produced
 *   output (a stream cut short by the client or the provider, a success without a usage object),
 *   or the client hung up (499) after the request reached the provider. The gateway's prompt
 *   estimate plus the tokens of what was delivered are recorded, flagged `estimated`;
 * - **free** — the provider was never reached (refused by the gateway: key, model, quota, bad
 *   body), or it answered with an error and produced nothing: zero tokens, zero cost.
 */
export function billingOf(outcome: CallOutcome): Billing {
  if (outcome.providerReportedUsage) return 'billed';
  if (!outcome.forwarded) return 'free';
  if (outcome.producedOutput || outcome.status === 499) return 'estimated';
  return 'free';
}
