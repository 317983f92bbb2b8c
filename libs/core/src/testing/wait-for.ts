/**
 * Polls `condition` until it returns a truthy value (or a promise of one), then returns it:
 * what a test waits for instead of a fixed sleep. Fails with `what` after `timeoutMs`, so a
 * condition that never holds is a clear failure, not a hang.
 */
export async function waitFor<T>(condition: () => T | Promise<T>, what = 'condition', { timeoutMs = 10_000, intervalMs = 20 } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
