import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countTokens } from 'gpt-tokenizer';
import { loadTokenCounter } from './token-counter';
import { estimateTextTokens } from './token-estimate';

const ROOT = join(__dirname, '..', '..', '..', '..');
const pieces = (text: string, size = 3_000) => Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, (i + 1) * size));

describe('estimateTextTokens (the hot path estimate: no vocabulary)', () => {
  const samples: Record<string, string> = {
    prose: readFileSync(join(ROOT, 'README.md'), 'utf8'),
    code: readFileSync(join(ROOT, 'libs/usage/src/quota/quota-admission.ts'), 'utf8'),
    json: JSON.stringify(Array.from({ length: 300 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ['a', 'b'], ok: i % 2 === 0, ratio: i / 7 }))),
    chinese: '请帮我写一个函数，计算两个日期之间的工作日天数，并且跳过法定节假日。这个函数需要支持不同的时区。'.repeat(40),
    russian: 'Привет, как дела? Это тестовое сообщение для проверки оценки токенов на русском языке. '.repeat(40),
    german: 'Größenordnung über Änderungen für Straße und übermäßige Qualität der Übersetzung. '.repeat(40),
    numbers: Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 1_000_003).join(', '),
    emoji: '😀 🎉 👍 done 🚀 '.repeat(200),
  };

  it.each(Object.keys(samples))('is at least the o200k count on %s, and within 2x of it', (kind) => {
    for (const piece of pieces(samples[kind])) {
      const exact = countTokens(piece);
      const estimate = estimateTextTokens(piece);
      expect({ kind, piece: piece.slice(0, 40), ok: estimate >= exact }).toEqual({ kind, piece: piece.slice(0, 40), ok: true });
      expect(estimate).toBeLessThanOrEqual(2 * exact);
    }
  });

  it('counts nothing as nothing and a short message as a few tokens', () => {
    expect(estimateTextTokens('')).toBe(0);
    expect(estimateTextTokens('x')).toBe(1);
    expect(estimateTextTokens('Say hello to the benchmark.')).toBeGreaterThanOrEqual(countTokens('Say hello to the benchmark.'));
    expect(estimateTextTokens('one two three')).toBe(3);
  });
});

describe('loadTokenCounter (count_tokens: the exact count, loaded on first use)', () => {
  it('counts short texts exactly and long ones with the conservative estimate', async () => {
    const count = await loadTokenCounter();
    expect(count('')).toBe(0);
    expect(count('Say hello to the benchmark.')).toBe(countTokens('Say hello to the benchmark.'));
    const long = 'word '.repeat(5_000);
    expect(count(long)).toBe(estimateTextTokens(long));
    expect(await loadTokenCounter()).toBe(count);
  });
});
