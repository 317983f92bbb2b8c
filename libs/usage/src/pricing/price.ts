import { costOf, Fixed, formatDecimal, parseDecimal } from './decimal';

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
}

/**
 * Cost of one call. Cached prompt tokens (a subset of prompt tokens for OpenAI and DashScope)
 * are charged at the cached-input price when the model has one, the rest at the input price.
 * A tier applies when the prompt is longer than its `minPromptTokens` (the highest such tier wins).
 * Parsed prices are memoised per model object, so the hot path does no string parsing.
 */
export class PriceCalculator {
  private readonly parsed = new WeakMap<ModelPrice, ParsedPrice[]>();
  private readonly cacheWrite = new WeakMap<ModelPrice, Fixed>();

  price(model: ModelPrice, usage: TokenCounts): PricedUsage {
    const tiers = this.tiersOf(model);
    let chosen = tiers[0];
    for (const tier of tiers) if (usage.promptTokens > tier.above) chosen = tier;
    const cached = Math.min(usage.cachedTokens, usage.promptTokens);
    const written = Math.min(usage.cacheWriteTokens ?? 0, usage.promptTokens - cached);
    const cachedPrice = chosen.cached ?? chosen.input;
    const writePrice = this.cacheWriteOf(model) ?? chosen.input;
    const cost =
      costOf(usage.promptTokens - cached - written, chosen.input) +
      costOf(cached, cachedPrice) +
      costOf(written, writePrice) +
      costOf(usage.completionTokens, chosen.output);
    return {
      cost: formatDecimal(cost),
      currency: model.currency,
      inputPrice: chosen.inputText,
      outputPrice: chosen.outputText,
      cachedInputPrice: chosen.cachedText,
      cacheWriteInputPrice: model.cacheWriteInputPrice ? formatDecimal(parseDecimal(model.cacheWriteInputPrice)) : null,
    };
  }

  private cacheWriteOf(model: ModelPrice): Fixed | null {
    if (!model.cacheWriteInputPrice) return null;
    let parsed = this.cacheWrite.get(model);
    if (parsed === undefined) {
      parsed = parseDecimal(model.cacheWriteInputPrice);
      this.cacheWrite.set(model, parsed);
    }
    return parsed;
  }

  private tiersOf(model: ModelPrice): ParsedPrice[] {
    let tiers = this.parsed.get(model);
    if (!tiers) {
      const base = parse(-1, model.inputPrice, model.outputPrice, model.cachedInputPrice);
      const extra = (model.priceTiers ?? []).map((tier) =>
        parse(tier.minPromptTokens, tier.inputPrice, tier.outputPrice, tier.cachedInputPrice ?? null),
      );
      tiers = [base, ...extra].sort((a, b) => a.above - b.above);
      this.parsed.set(model, tiers);
    }
    return tiers;
  }
}

function parse(above: number, input: string, output: string, cached: string | null): ParsedPrice {
  const normal = (value: string) => formatDecimal(parseDecimal(value));
  return {
    above,
    input: parseDecimal(input),
    output: parseDecimal(output),
    cached: cached === null ? null : parseDecimal(cached),
    inputText: normal(input),
    outputText: normal(output),
    cachedText: cached === null ? null : normal(cached),
  };
}
