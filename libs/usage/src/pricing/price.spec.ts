import { addDecimals, formatDecimal, parseDecimal } from './decimal';
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
