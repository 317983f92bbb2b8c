/**
 * Exact decimal arithmetic for money, on BigInt fixed point with 18 fractional digits.
 * Prices are per 1M tokens and costs are summed over millions of events, so binary floats
 * (which drift) are never used for money.
 */
const SCALE_DIGITS = 18;
const SCALE = 10n ** BigInt(SCALE_DIGITS);

export type Fixed = bigint;

export function parseDecimal(value: string | number): Fixed {
  if (typeof value === 'string') {
    const picos = plainPicos(value);
    if (picos !== undefined) return BigInt(picos) * FIXED_PER_PICO;
  }
  const text = typeof value === 'number' ? numberToPlain(value) : value.trim();
  const match = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && ((match[3] as string | undefined) ?? '') === '')) throw new Error(`not a decimal: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ''] = match;
  const digits = (fraction + '0'.repeat(SCALE_DIGITS)).slice(0, SCALE_DIGITS);
  const magnitude = BigInt(whole || '0') * SCALE + BigInt(digits);
  return sign ? -magnitude : magnitude;
}

const FIXED_PER_PICO = 10n ** BigInt(SCALE_DIGITS - 12);

/**
 * The hot path's parse (a call's cost, estimated at admission and actual at settlement, as
 * `formatPicos` printed it): a plain non-negative decimal with at most 12 fraction digits whose
 * value in picos (1e-12) is below 2^53 (under 9,007 units), read as one exact integer in a JS
 * number, without a regular expression, string padding or BigInt parsing. Undefined otherwise
 * (the general parse then runs).
 */
function plainPicos(text: string): number | undefined {
  const length = text.length;
  let whole = 0;
  let i = 0;
  for (; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) break;
    if (c < 48 || c > 57 || i >= 4) return undefined;
    whole = whole * 10 + (c - 48);
  }
  if (i === 0) return undefined;
  if (i === length) return whole * 1e12; // at most 4 digits: below 2^53
  const digits = length - i - 1;
  if (digits === 0 || digits > 12) return undefined;
  let fraction = 0;
  for (let j = i + 1; j < length; j++) {
    const c = text.charCodeAt(j);
    if (c < 48 || c > 57) return undefined;
    fraction = fraction * 10 + (c - 48);
  }
  const picos = whole * 1e12 + fraction * 10 ** (12 - digits);
  return picos <= Number.MAX_SAFE_INTEGER ? picos : undefined;
}

export function formatDecimal(value: Fixed, maxFractionDigits = SCALE_DIGITS): string {
  const negative = value < 0n;
  let magnitude = negative ? -value : value;
  if (maxFractionDigits < SCALE_DIGITS) {
    const unit = 10n ** BigInt(SCALE_DIGITS - maxFractionDigits);
    magnitude = ((magnitude + unit / 2n) / unit) * unit; // half-up
  }
  const whole = magnitude / SCALE;
  const fraction = (magnitude % SCALE).toString().padStart(SCALE_DIGITS, '0').slice(0, maxFractionDigits).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : `${whole}`;
  return negative && text !== '0' ? `-${text}` : text;
}

/** tokens × (price per 1M tokens), exact. */
export function costOf(tokens: number, pricePerMillion: Fixed): Fixed {
  return (BigInt(tokens) * pricePerMillion) / 1_000_000n;
}

/**
 * The hot path's fast unit: one pico (1e-12), an integer in a JS number. CONTRACT "Money" allows
 * integer arithmetic whose unit is at most 1e-12; a price per 1M tokens with at most 6 decimals is
 * an exact whole number of picos per token, and tokens × that stays exact below 2^53.
 */
/** Fixed units (1e-18) per pico per token: a price per 1M tokens in picos per token is price × 1e6. */
const FIXED_PER_PICO_PER_TOKEN = 10n ** BigInt(SCALE_DIGITS - 6);
const PICOS_PER_UNIT = 1e12;

/** A price per 1M tokens as whole picos per token, or null when it is not exactly one (or too large). */
export function picosPerToken(pricePerMillion: Fixed): number | null {
  if (pricePerMillion < 0n || pricePerMillion % FIXED_PER_PICO_PER_TOKEN !== 0n) return null;
  const picos = pricePerMillion / FIXED_PER_PICO_PER_TOKEN;
  return picos <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(picos) : null;
}

/** A non-negative whole number of picos as a decimal string (the same text formatDecimal gives). */
export function formatPicos(picos: number): string {
  const whole = Math.floor(picos / PICOS_PER_UNIT);
  const fraction = picos - whole * PICOS_PER_UNIT;
  if (fraction === 0) return String(whole);
  let digits = String(fraction).padStart(12, '0');
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  return `${whole}.${digits}`;
}

export function addDecimals(values: Array<string | number>): string {
  return formatDecimal(values.reduce<Fixed>((sum, value) => sum + parseDecimal(value), 0n));
}

function numberToPlain(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 18 });
}
