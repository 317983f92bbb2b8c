import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults (memory-hard); the parameters travel inside the hash. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    // Spend the same time as a real check so a missing user cannot be told apart by timing.
    await hash(password).catch(() => undefined);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
