import { costOf, Fixed, formatDecimal, formatPicos, parseDecimal, picosPerToken } from './decimal';

/** Prices per 1M tokens as stored on a model (decimal strings), optionally tiered by prompt size. */
export interface ModelPrice {
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  /** Per 1M prompt tokens written to the provider's cache; null/absent: priced as input. */
  cacheWriteInputPrice?: string | null;
  currency: string;
  priceTiers?: Array<{ minPromptTokens: number; inputPrice: string; outputPrice: string; cachedInputPrice?: string | null }> | null;
}

export interface TokenCounts {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Prompt tokens written to the cache (a subset of prompt tokens, apart from cached reads). */
  cacheWriteTokens?: number;
}

export interface PricedUsage {
  cost: string;
  currency: string;
  /** The prices actually applied (after tier selection), recorded on the event. */
  inputPrice: string;
  outputPrice: string;
  cachedInputPrice: string | null;
  cacheWriteInputPrice: string | null;
}

interface ParsedPrice {
  /** The tier applies when the prompt has more tokens than this (-1 for the base price). */
  above: number;
  input: Fixed;
  output: Fixed;
  cached: Fixed | null;
  inputText: string;
  outputText: string;
  cachedText: string | null;
  /** The same prices in whole picos (1e-12) per token, when exact: the hot path's integer arithmetic. */
  inputPicos: number | null;
  outputPicos: number | null;
  cachedPicos: number | null;
}

/** What a model's cache-write price is, parsed once. */
interface CacheWritePrice {
  fixed: Fixed;
  text: string;
  picos: number | null;
}

/**
 * Cost of one call. Cached prompt tokens (a subset of prompt tokens for OpenAI and DashScope)
 * are charged at the cached-input price when the model has one, the rest at the input price.
 * A tier applies when the prompt is longer than its `minPromptTokens` (the highest such tier wins).
 * Parsed prices are memoised per model object, so the hot path does no string parsing; and when
 * every price is a whole number of picos (1e-12) per token (at most 6 decimals per 1M tokens, i.e.
 * every real price), the cost is summed in integer picos in a JS number — exact, and the same
 * text as the BigInt path, which remains for the rest.
 */
export class PriceCalculator {
  private readonly parsed = new WeakMap<ModelPrice, ParsedPrice[]>();
  private readonly cacheWrite = new WeakMap<ModelPrice, CacheWritePrice>();

  price(model: ModelPrice, usage: TokenCounts): PricedUsage {
    const tiers = this.tiersOf(model);
    let chosen = tiers[0];
    for (const tier of tiers) if (usage.promptTokens > tier.above) chosen = tier;
    const cached = Math.min(usage.cachedTokens, usage.promptTokens);
    const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
    const write = this.cacheWriteOf(model);
    const counts = [usage.promptTokens - cached - written, cached, written, usage.completionTokens];
    const cost =
      costInPicos(counts, [chosen.inputPicos, chosen.cachedPicos ?? chosen.inputPicos, write ? write.picos : chosen.inputPicos, chosen.outputPicos]) ??
      formatDecimal(
        costOf(counts[0], chosen.input) +
          costOf(counts[1], chosen.cached ?? chosen.input) +
          costOf(counts[2], write?.fixed ?? chosen.input) +
          costOf(counts[3], chosen.output),
      );
    return {
      cost,
      currency: model.currency,
      inputPrice: chosen.inputText,
      outputPrice: chosen.outputText,
      cachedInputPrice: chosen.cachedText,
      cacheWriteInputPrice: write?.text ?? null,
    };
  }

  private cacheWriteOf(model: ModelPrice): CacheWritePrice | null {
    if (!model.cacheWriteInputPrice) return null;
    let parsed = this.cacheWrite.get(model);
    if (parsed === undefined) {
      const fixed = parseDecimal(model.cacheWriteInputPrice);
      parsed = { fixed, text: formatDecimal(fixed), picos: picosPerToken(fixed) };
      this.cacheWrite.set(model, parsed);
    }
    return parsed;
  }

  private tiersOf(model: ModelPrice): ParsedPrice[] {
    let tiers = this.parsed.get(model);
    if (!tiers) {
      const base = parse(-1, model.inputPrice, model.outputPrice, model.cachedInputPrice);
      const extra = (model.priceTiers ?? []).map((tier) => parse(tier.minPromptTokens, tier.inputPrice, tier.outputPrice, tier.cachedInputPrice ?? null));
      tiers = [base, ...extra].sort((a, b) => a.above - b.above);
      this.parsed.set(model, tiers);
    }
    return tiers;
  }
}

function parse(above: number, input: string, output: string, cached: string | null): ParsedPrice {
  const inputFixed = parseDecimal(input);
  const outputFixed = parseDecimal(output);
  const cachedFixed = cached === null ? null : parseDecimal(cached);
  return {
    above,
    input: inputFixed,
    output: outputFixed,
    cached: cachedFixed,
    inputText: formatDecimal(inputFixed),
    outputText: formatDecimal(outputFixed),
    cachedText: cachedFixed === null ? null : formatDecimal(cachedFixed),
    inputPicos: picosPerToken(inputFixed),
    outputPicos: picosPerToken(outputFixed),
    cachedPicos: cachedFixed === null ? null : picosPerToken(cachedFixed),
  };
}

/** Σ tokens × picos per token, when every price is in picos and every product stays exact; else null. */
function costInPicos(counts: number[], picos: Array<number | null>): string | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) {
    const tokens = counts[i];
    if (tokens === 0) continue;
    const price = picos[i];
    if (price === null || !Number.isInteger(tokens) || tokens < 0) return null;
    total += tokens * price;
    if (total > Number.MAX_SAFE_INTEGER) return null;
  }
  return formatPicos(total);
}
