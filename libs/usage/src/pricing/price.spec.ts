import { addDecimals, formatDecimal, formatPicos, parseDecimal, picosPerToken } from './decimal';
import { PriceCalculator } from './price';

describe('decimal', () => {
  it('parses and formats exactly', () => {
    expect(formatDecimal(parseDecimal('0.1') + parseDecimal('0.2'))).toBe('0.3');
    expect(formatDecimal(parseDecimal('-1.50'))).toBe('-1.5');
    expect(formatDecimal(parseDecimal(12))).toBe('12');
    expect(formatDecimal(parseDecimal('0.0000004'), 6)).toBe('0');
    expect(formatDecimal(parseDecimal('0.0000005'), 6)).toBe('0.000001');
    expect(() => parseDecimal('1e5')).toThrow();
    expect(() => parseDecimal('')).toThrow();
  });

  it('sums a million small costs without drift', () => {
    const costs = Array.from({ length: 1_000_000 }, () => '0.0000001');
    expect(addDecimals(costs)).toBe('0.1');
  });
});

describe('PriceCalculator', () => {
  const calc = new PriceCalculator();
  const model = { inputPrice: '0.8', outputPrice: '2', cachedInputPrice: '0.16', currency: 'CNY' };

  it('prices prompt, cached and completion tokens per 1M', () => {
    const priced = calc.price(model, { promptTokens: 1000, completionTokens: 500, cachedTokens: 400 });
    // 600 × 0.8/1M + 400 × 0.16/1M + 500 × 2/1M = 0.00048 + 0.000064 + 0.001
    expect(priced.cost).toBe('0.001544');
    expect(priced).toMatchObject({ currency: 'CNY', inputPrice: '0.8', outputPrice: '2', cachedInputPrice: '0.16' });
  });

  it('charges cached tokens at the input price when the model has no cached price', () => {
    const priced = calc.price({ ...model, cachedInputPrice: null }, { promptTokens: 1000, completionTokens: 0, cachedTokens: 400 });
    expect(priced.cost).toBe('0.0008');
  });

  it('picks the prompt-length tier', () => {
    const tiered = {
      ...model,
      priceTiers: [
        { minPromptTokens: 128_000, inputPrice: '2.4', outputPrice: '9.6' },
        { minPromptTokens: 32_000, inputPrice: '1.2', outputPrice: '4.8' },
      ],
    };
    expect(calc.price(tiered, { promptTokens: 1000, completionTokens: 0, cachedTokens: 0 }).inputPrice).toBe('0.8');
    expect(calc.price(tiered, { promptTokens: 40_000, completionTokens: 0, cachedTokens: 0 }).inputPrice).toBe('1.2');
    expect(calc.price(tiered, { promptTokens: 200_000, completionTokens: 1_000_000, cachedTokens: 0 })).toMatchObject({
      inputPrice: '2.4',
      cost: '10.08',
    });
  });
});

describe('PriceCalculator integer picos (fast path) agrees with the BigInt path', () => {
  const calc = new PriceCalculator();
  const bigIntCost = (model: { inputPrice: string; outputPrice: string; cachedInputPrice: string | null }, p: number, c: number, k: number) => {
    const cached = Math.min(k, p);
    const input = parseDecimal(model.inputPrice);
    const cachedPrice = model.cachedInputPrice === null ? input : parseDecimal(model.cachedInputPrice);
    const fixed =
      (BigInt(p - cached) * input) / 1_000_000n + (BigInt(cached) * cachedPrice) / 1_000_000n + (BigInt(c) * parseDecimal(model.outputPrice)) / 1_000_000n;
    return formatDecimal(fixed);
  };

  it('gives the same text for many prices and counts', () => {
    const prices = ['0.8', '2', '0.000001', '123.456789', '0', '1000', '0.16', '7.5'];
    let seed = 7;
    const next = (max: number) => (seed = (seed * 48271) % 2147483647) % max;
    for (let i = 0; i < 2000; i++) {
      const model = {
        inputPrice: prices[next(prices.length)],
        outputPrice: prices[next(prices.length)],
        cachedInputPrice: i % 3 ? prices[next(prices.length)] : null,
        currency: 'CNY',
      };
      const p = next(2_000_000);
      const c = next(200_000);
      const k = next(p + 1);
      expect(calc.price(model, { promptTokens: p, completionTokens: c, cachedTokens: k }).cost).toBe(bigIntCost(model, p, c, k));
    }
  });

  it('falls back to BigInt for prices finer than a pico per token and for sums beyond 2^53 picos', () => {
    const fine = { inputPrice: '0.0000001', outputPrice: '2', cachedInputPrice: null, currency: 'CNY' };
    expect(calc.price(fine, { promptTokens: 3, completionTokens: 0, cachedTokens: 0 }).cost).toBe('0.0000000000003');
    const huge = { inputPrice: '9000000', outputPrice: '9000000', cachedInputPrice: null, currency: 'CNY' };
    expect(calc.price(huge, { promptTokens: 2_000_000, completionTokens: 0, cachedTokens: 0 }).cost).toBe('18000000');
  });

  it('formats picos as formatDecimal does', () => {
    expect(formatPicos(0)).toBe('0');
    expect(formatPicos(1)).toBe('0.000000000001');
    expect(formatPicos(1_544_000_000)).toBe('0.001544');
    expect(formatPicos(12_000_000_000_000)).toBe('12');
    expect(picosPerToken(parseDecimal('0.8'))).toBe(800_000);
    expect(picosPerToken(parseDecimal('0.0000001'))).toBeNull();
  });
});
