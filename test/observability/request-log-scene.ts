import { createRootLogger } from '@app/core';
import { createTestDatabase } from '@app/core/testing';
import { SECRET_FIELD_NAMES } from '@app/providers';
import { FakeProvider } from '../support/fake-provider';
import { Seed } from '../support/seed';

/**
 * What the two request-logging suites share. The admin API logs through nestjs-pino, which keeps
 * ONE pino-http middleware per process (the first app's): one app per process in production.
 * Jest gives each file its own module registry, so each suite builds the app whose request lines
 * it checks first. The gateway logs every route through its own logger (no nestjs-pino there).
 */

export interface CapturedLog {
  logger: ReturnType<typeof createRootLogger>;
  /** The JSON lines written so far (refreshed by `text()`). */
  lines: Array<Record<string, unknown>>;
  /** Everything written so far, as text; refreshes `lines`. */
  text: () => string;
}

/** A root logger as main.ts builds it (secret fields redacted), keeping its JSON lines. */
export function capturing(level: string): CapturedLog {
  const raw: string[] = [];
  const logger = createRootLogger(level, 'test', SECRET_FIELD_NAMES, { write: (chunk: string) => void raw.push(chunk) });
  const lines: Array<Record<string, unknown>> = [];
  return {
    logger,
    lines,
    text: () => {
      lines.splice(
        0,
        lines.length,
        ...raw
          .join('')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>),
      );
      return raw.join('');
    },
  };
}

export const chat = (url: string, key: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
  });

export interface RequestLogScene {
  url: string;
  seed: Seed;
  /** A developer's gateway key that may call `gpt-test`. */
  key: string;
}

/**
 * Registers the suite's beforeAll/afterAll: a fresh database with `gpt-test` on a fake OpenAI
 * provider and a developer's key. Read the returned scene inside tests and hooks.
 */
export function requestLogScene(): RequestLogScene {
  const scene = {} as RequestLogScene;
  let fake: FakeProvider | undefined;
  beforeAll(async () => {
    scene.url = await createTestDatabase();
    scene.seed = await Seed.connect(scene.url);
    fake = await FakeProvider.start('openai');
    await scene.seed.model('gpt-test', await scene.seed.provider('openai', fake.baseUrl, fake.apiKey));
    scene.key = (await scene.seed.developer()).key;
  });
  afterAll(async () => {
    await scene.seed?.close();
    await fake?.close();
  });
  return scene;
}
