import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveMessages } from '../fakes/anthropic-messages';
import { createTestDatabase } from '@app/core/testing';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';

/** Runs a command with stdin closed (the CLI otherwise waits for piped input); rejects on a non-zero exit. */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`claude exited with ${code}: ${stderr || stdout}`));
    });
  });
}
const CLAUDE = join(__dirname, '../../node_modules/.bin/claude');

/**
 * The real Claude Code CLI (`claude -p`), offline, pointed at the gateway with a gateway key:
 * once at a provider that serves Messages natively (DashScope) and once at one reached through
 * translation to chat completions (openai kind). It asks for `claude-*` names, which resolve
 * through model aliases.
 */
describe('Claude Code CLI through the gateway', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let dashscope: FakeProvider;
  let openai: FakeProvider;
  let home: string;

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    dashscope = await FakeProvider.start('dashscope');
    openai = await FakeProvider.start('openai', { content: 'Translated hello from chat completions.' });
    serveMessages(dashscope, 9, 'Native hello from the fake Qwen.');
    const dashscopeId = await seed.provider('dashscope', dashscope.baseUrl, dashscope.apiKey);
    const qwen = await seed.model('qwen3-coder-plus', dashscopeId, { input: '1', output: '2', currency: 'CNY' });
    await seed.dataSource.query(`UPDATE models SET aliases = $2 WHERE id = $1`, [qwen, ['claude-sonnet-4-5', 'claude-haiku-4-5']]);
    const openaiId = await seed.provider('openai', openai.baseUrl, openai.apiKey);
    const gpt = await seed.model('gpt-4o-mini', openaiId, { input: '1', output: '1', currency: 'USD' });
    await seed.dataSource.query(`UPDATE models SET aliases = $2 WHERE id = $1`, [gpt, ['claude-opus-4-1']]);
    gateway = await startGateway(url);
    home = mkdtempSync(join(tmpdir(), 'claude-home-'));
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([dashscope?.close(), openai?.close()]);
    await seed?.close();
    if (home) rmSync(home, { recursive: true, force: true });
  });

  async function claude(
    prompt: string,
    model: string,
    key: string,
    keyVariable: 'ANTHROPIC_API_KEY' | 'ANTHROPIC_AUTH_TOKEN' = 'ANTHROPIC_API_KEY',
  ): Promise<string> {
    const stdout = await run(
      CLAUDE,
      ['-p', prompt, '--model', model, '--max-turns', '1'],
      {
        PATH: process.env.PATH ?? '',
        HOME: home,
        CLAUDE_CONFIG_DIR: join(home, '.claude'),
        ANTHROPIC_BASE_URL: gateway.url,
        [keyVariable]: key,
        ANTHROPIC_SMALL_FAST_MODEL: 'claude-haiku-4-5',
        ANTHROPIC_DEFAULT_HAIKU_MODEL: 'claude-haiku-4-5',
        DISABLE_TELEMETRY: '1',
        DISABLE_ERROR_REPORTING: '1',
        DISABLE_AUTOUPDATER: '1',
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
        CLAUDE_CODE_DISABLE_LEGACY_MODEL_REMAP: '1',
        CI: '1',
      },
      90_000,
    );
    return stdout.trim();
  }

  async function eventsOf(userId: string, expected: number): Promise<Array<Record<string, unknown>>> {
    for (let i = 0; i < 100; i++) {
      const rows: Array<Record<string, unknown>> = await seed.dataSource.query(
        `SELECT model, endpoint, stream, status, prompt_tokens, completion_tokens, total_tokens, estimated FROM usage_events WHERE user_id = $1 ORDER BY created_at`,
        [userId],
      );
      if (rows.length >= expected) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('usage events missing');
  }

  it('answers through a native Messages endpoint, metered under the aliased model', async () => {
    const dev = await seed.developer();
    const answer = await claude('Say hello', 'claude-sonnet-4-5', dev.key);
    expect(answer).toContain('Native hello from the fake Qwen.');
    const main = dashscope.requests.find(
      (request) => request.path === '/apps/anthropic/v1/messages' && request.body?.stream === true && Array.isArray(request.body?.tools),
    );
    expect(main).toBeDefined();
    expect(main!.body.model).toBe('qwen3-coder-plus');
    const events = await eventsOf(dev.userId, 1);
    const served = events.filter((event) => event.status === 200 && event.stream === true);
    expect(served.length).toBeGreaterThanOrEqual(1);
    expect(served.every((event) => event.model === 'qwen3-coder-plus' && event.endpoint === 'messages' && event.estimated === false)).toBe(true);
    expect(served.every((event) => (event.completion_tokens as number) === 9 && (event.prompt_tokens as number) > 0)).toBe(true);
    expect(events.every((event) => event.status === 200)).toBe(true);
  });

  it('answers through translation to chat completions, the key sent as a Bearer token', async () => {
    const dev = await seed.developer();
    // ANTHROPIC_AUTH_TOKEN: Claude Code sends the key as `Authorization: Bearer`
    const answer = await claude('Say hello', 'claude-opus-4-1', dev.key, 'ANTHROPIC_AUTH_TOKEN');
    expect(answer).toContain('Translated hello from chat completions.');
    const chat = openai.requests.find((request) => request.path === '/v1/chat/completions' && Array.isArray(request.body?.tools));
    expect(chat).toBeDefined();
    expect(chat!.body.stream_options).toEqual({ include_usage: true });
    const events = await eventsOf(dev.userId, 1);
    const main = events.find((event) => event.model === 'gpt-4o-mini' && event.stream === true);
    expect(main).toMatchObject({ endpoint: 'messages', status: 200, completion_tokens: 12, estimated: false });
  });
});
