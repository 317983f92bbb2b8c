import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeResponsesApi, fakeResponsesUsage } from '../fakes/fake-responses-api';
import { installToolChat, TOOL_CHAT_COMPLETION_TOKENS } from '../fakes/fake-tool-chat';
import { FakeProvider } from '../support/fake-provider';
import { fakePromptTokens } from '../support/fake-wire';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { createTestDatabase } from '@app/core/testing';

const CODEX = require.resolve('@openai/codex/bin/codex.js');

interface CodexRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real Codex CLI (`codex exec`) with a fresh CODEX_HOME whose config.toml defines a
 * `wire_api = "responses"` provider at the gateway, the gateway key in the env var it names.
 * Fully offline: the only server it talks to is the gateway on loopback.
 */
function runCodex(gatewayUrl: string, key: string, model: string, prompt: string): Promise<CodexRun> {
  const home = mkdtempSync(join(tmpdir(), 'codex-home-'));
  const work = mkdtempSync(join(tmpdir(), 'codex-work-'));
  writeFileSync(
    join(home, 'config.toml'),
    [
      `model = "${model}"`,
      'model_provider = "tollgate"',
      '',
      '[model_providers.tollgate]',
      'name = "Tollgate"',
      `base_url = "${gatewayUrl}/v1"`,
      'env_key = "TOLLGATE_API_KEY"',
      'wire_api = "responses"',
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CODEX, 'exec', '--skip-git-repo-check', prompt], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: home, CODEX_HOME: home, TOLLGATE_API_KEY: key, NO_COLOR: '1', RUST_LOG: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface EventRow {
  status: number;
  endpoint: string;
  stream: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  estimated: boolean;
}

describe('the real Codex CLI against the gateway (wire_api = "responses")', () => {
  let seed: Seed;
  let gateway: RunningGateway;
  let dashscope: FakeProvider;
  let huawei: FakeProvider;

  async function eventsOf(apiKeyId: string, expected: number): Promise<EventRow[]> {
    for (let i = 0; i < 100; i++) {
      const rows: EventRow[] = await seed.dataSource.query(
        `SELECT status, endpoint, stream, prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, estimated
         FROM usage_events WHERE api_key_id = $1 ORDER BY created_at`,
        [apiKeyId],
      );
      if (rows.length >= expected) return rows;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`fewer than ${expected} usage events`);
  }

  beforeAll(async () => {
    const url = await createTestDatabase();
    seed = await Seed.connect(url);
    [dashscope, huawei] = await Promise.all([FakeProvider.start('dashscope'), FakeProvider.start('huawei-maas')]);
    FakeResponsesApi.install(dashscope, { content: 'PONG from the native Responses API', callTools: false, outputTokens: 7 });
    installToolChat(huawei, { name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo TOLLGATE-TOOL-OK' }) });
    await seed.model('qwen-codex', await seed.provider('dashscope', dashscope.baseUrl, dashscope.apiKey), {
      input: '0.8',
      output: '2',
      currency: 'CNY',
      upstream: 'qwen3-coder-plus',
    });
    await seed.model('deepseek-codex', await seed.provider('huawei-maas', huawei.baseUrl, huawei.apiKey), {
      input: '2',
      output: '8',
      currency: 'CNY',
      upstream: 'DeepSeek-V3',
    });
    gateway = await startGateway(url);
  });

  afterAll(async () => {
    await gateway?.close();
    await Promise.all([dashscope?.close(), huawei?.close()]);
    await seed?.close();
  });

  it('answers through a native Responses provider and meters the call from response.completed', async () => {
    const dev = await seed.developer();
    const run = await runCodex(gateway.url, dev.key, 'qwen-codex', 'Say PONG');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('PONG from the native Responses API') });
    expect(dashscope.requests).toHaveLength(1);
    const sent = dashscope.requests[0];
    expect(sent.path).toBe('/compatible-mode/v1/responses');
    expect(sent.headers.authorization).toBe(`Bearer ${dashscope.apiKey}`);
    // What Codex sends passes through untouched, but for the provider's model name.
    expect(sent.body).toMatchObject({ model: 'qwen3-coder-plus', stream: true, store: false });
    const usage = fakeResponsesUsage(sent.body, 7);
    const [event] = await eventsOf(dev.apiKeyId, 1);
    expect(event).toEqual({
      status: 200,
      endpoint: 'responses',
      stream: true,
      prompt_tokens: usage.input_tokens,
      completion_tokens: 7,
      cached_tokens: 0,
      reasoning_tokens: 0,
      estimated: false,
    });
  }, 120_000);

  it('runs a tool round trip through a translated provider: the model calls exec_command, Codex runs it, the answer quotes its output', async () => {
    const dev = await seed.developer();
    const run = await runCodex(gateway.url, dev.key, 'deepseek-codex', 'Run the echo command and tell me what it printed.');
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('The tool said:') });
    expect(huawei.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    const [first, second] = huawei.requests.map((r) => r.body);
    expect(first.tools.map((tool: { function: { name: string } }) => tool.function.name)).toContain('exec_command');
    const toolResult = second.messages[second.messages.length - 1];
    expect(toolResult).toMatchObject({ role: 'tool', tool_call_id: expect.any(String) });
    expect(second.messages[second.messages.length - 2]).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: toolResult.tool_call_id, type: 'function', function: { name: 'exec_command', arguments: '{"cmd":"echo TOLLGATE-TOOL-OK"}' } }],
    });
    expect(toolResult.content).toContain('TOLLGATE-TOOL-OK');
    expect(run.stdout).toContain('TOLLGATE-TOOL-OK');
    const events = await eventsOf(dev.apiKeyId, 2);
    expect(events).toEqual([
      {
        status: 200,
        endpoint: 'responses',
        stream: true,
        prompt_tokens: fakePromptTokens(first.messages),
        completion_tokens: TOOL_CHAT_COMPLETION_TOKENS,
        cached_tokens: 0,
        reasoning_tokens: 0,
        estimated: false,
      },
      {
        status: 200,
        endpoint: 'responses',
        stream: true,
        prompt_tokens: fakePromptTokens(second.messages),
        completion_tokens: TOOL_CHAT_COMPLETION_TOKENS,
        cached_tokens: 0,
        reasoning_tokens: 0,
        estimated: false,
      },
    ]);
  }, 120_000);
});
