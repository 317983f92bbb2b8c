import { checkModelName, cleanText, hasUnpairedSurrogate, MAX_MODEL_NAME_LENGTH } from './safe-text';

describe('cleanText', () => {
  it('returns clean text as it is', () => {
    const text = 'qwen-plus 模型 😀';
    expect(cleanText(text, 100)).toBe(text);
  });

  it('removes NUL and replaces unpaired surrogates, keeping real pairs', () => {
    expect(cleanText('m\u0000x', 100)).toBe('mx');
    expect(cleanText('a\ud800b', 100)).toBe('a\ufffdb');
    expect(cleanText('a\udc00b', 100)).toBe('a\ufffdb');
    expect(cleanText('end\ud83d', 100)).toBe('end\ufffd');
    expect(cleanText('\u0000😀\ud800', 100)).toBe('😀\ufffd');
  });

  it('caps the length without cutting a surrogate pair in two', () => {
    expect(cleanText('x'.repeat(10_000), 128)).toHaveLength(128);
    expect(cleanText('ab😀', 3)).toBe('ab');
    expect(cleanText('ab😀', 4)).toBe('ab😀');
  });
});

describe('hasUnpairedSurrogate', () => {
  it('tells lone surrogates from pairs', () => {
    expect(hasUnpairedSurrogate('😀')).toBe(false);
    expect(hasUnpairedSurrogate('a\ud800b')).toBe(true);
    expect(hasUnpairedSurrogate('\udfff')).toBe(true);
  });
});

describe('checkModelName', () => {
  it('accepts ordinary names', () => {
    expect(checkModelName('qwen-plus')).toEqual({ ok: true, model: 'qwen-plus' });
    expect(checkModelName('org/model:v1.5')).toEqual({ ok: true, model: 'org/model:v1.5' });
  });

  it('refuses what cannot be a model name, without echoing the value', () => {
    for (const value of [undefined, null, 42, '', 'm\u0000x', 'a\ud800b', 'tab\there', 'x'.repeat(5000), 'x'.repeat(MAX_MODEL_NAME_LENGTH + 1)]) {
      const result = checkModelName(value);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.problem).toMatch(/^`model`/);
        expect(result.problem).not.toContain('xxxx');
      }
    }
    expect(checkModelName('x'.repeat(MAX_MODEL_NAME_LENGTH)).ok).toBe(true);
  });
});
