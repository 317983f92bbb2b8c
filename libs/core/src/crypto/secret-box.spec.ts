import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox('a'.repeat(40));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('sk-upstream-secret');
    expect(sealed).not.toContain('sk-upstream-secret');
    expect(box.open(sealed)).toBe('sk-upstream-secret');
  });

  it('uses a fresh IV every time', () => {
    expect(box.seal('x')).not.toBe(box.seal('x'));
  });

  it('refuses a tampered ciphertext', () => {
    const parts = box.seal('secret').split('.');
    parts[4] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'))).toThrow();
  });

  it('names the key a ciphertext needs when SECRET_KEY changed', () => {
    const other = new SecretBox('b'.repeat(40));
    expect(() => other.open(box.seal('secret'))).toThrow(/sealed with key/);
  });
});
