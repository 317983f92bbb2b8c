import { BoundedLabel } from './bounded-label';

describe('BoundedLabel', () => {
  it('keeps the first distinct values and counts the rest as other', () => {
    const label = new BoundedLabel(2);
    expect(label.value('a')).toBe('a');
    expect(label.value('b')).toBe('b');
    expect(label.value('c')).toBe('other');
    expect(label.value('a')).toBe('a');
  });

  it('never passes control characters, odd text or unbounded lengths through', () => {
    const label = new BoundedLabel(10, 8);
    expect(label.value('bad\u0000code')).toBe('other');
    expect(label.value('a\ud800b')).toBe('other');
    expect(label.value('x'.repeat(10_000))).toBe('xxxxxxxx');
  });
});
