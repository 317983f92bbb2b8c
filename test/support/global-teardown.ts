import { rmSync } from 'node:fs';
import { readTestState, testStateFile } from '../../libs/core/src/testing/test-state';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__TOLLGATE_TEST_DB__?.destroy();
  const state = readTestState();
  rmSync(state.dataDir, { recursive: true, force: true });
  rmSync(testStateFile(), { force: true });
}
