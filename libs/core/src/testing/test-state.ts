import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestState {
  templateUrl: string;
  dataDir: string;
  port: number;
}

/**
 * Written by the global setup, read by every suite. Jest workers are separate processes started
 * after the global setup, so they inherit the variable naming the file.
 */
export function testStateFile(): string {
  process.env.TOLLGATE_TEST_STATE ??= join(tmpdir(), `tollgate-test-state-${process.pid}.json`);
  return process.env.TOLLGATE_TEST_STATE;
}

export function readTestState(): TestState {
  return JSON.parse(readFileSync(testStateFile(), 'utf8')) as TestState;
}
