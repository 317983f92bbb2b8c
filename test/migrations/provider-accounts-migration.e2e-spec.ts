import { randomBytes, randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { runMigrations, SecretBox } from '@app/core';
import { MIGRATIONS } from '../../libs/core/src/database/migrations';
import { ProviderAccounts1764600000000 } from '../../libs/core/src/database/migrations/1764600000000-provider-accounts';
import { FakeProvider } from '../support/fake-provider';
import { RunningGateway, startGateway } from '../support/gateway-harness';
import { Seed } from '../support/seed';
import { readTestState, TEST_SECRET_KEY } from '@app/core/testing';

/**
 * An existing installation upgraded to upstream accounts: a database migrated up to just before
 * accounts, holding a provider (its sealed key), a model and usage history, then migrated to the
 * end. The provider's key goes on working (now as its `default` account) and no history is lost.
 */
describe('migration to upstream accounts on an existing database (real PostgreSQL)', () => {
  let url: string;
  let fake: FakeProvider;
  let gateway: RunningGateway | undefined;
  let seed: Seed;
  const box = new SecretBox(TEST_SECRET_KEY);

  beforeAll(async () => {
    const { templateUrl } = readTestState();
    const name = `m_${randomBytes(6).toString('hex')}`;
    const admin = new Client({ connectionString: templateUrl.replace(/\/[^/]+$/, '/postgres') });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    url = templateUrl.replace(/\/[^/]+$/, `/${name}`);
    fake = await FakeProvider.start('openai', { apiKey: 'sk-pre-accounts-key' });
  });

  afterAll(async () => {
    await gateway?.close();
    await seed?.close();
    await fake?.close();
  });

  it('moves each provider’s sealed key to a default account, keeps every event and rollup, and the key still serves', async () => {
    // 1. The schema as it was before accounts, with a provider, a model and usage history.
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(ProviderAccounts1764600000000));
    const old = new DataSource({ type: 'postgres', url, migrations: before, migrationsTransactionMode: 'each' });
    await old.initialize();
    await old.runMigrations();
    const sealedKey = box.sealJson({ apiKey: 'sk-pre-accounts-key' });
    const [{ id: providerId }] = await old.query(
      `INSERT INTO providers (name, kind, base_url, encrypted_credentials) VALUES ('legacy', 'openai', $1, $2) RETURNING id`,
      [fake.baseUrl, sealedKey],
    );
    await old.query(`INSERT INTO models (name, provider_id, input_price, output_price, currency) VALUES ('legacy-model', $1, '1', '2', 'USD')`, [providerId]);
    const [{ id: departmentId }] = await old.query(`INSERT INTO departments (name) VALUES ('R&D') RETURNING id`);
    const [{ id: userId }] = await old.query(
      `INSERT INTO users (email, name, role, department_id) VALUES ('old@example.test', 'old', 'developer', $1) RETURNING id`,
      [departmentId],
    );
    const [{ id: apiKeyId }] = await old.query(`INSERT INTO api_keys (user_id, prefix, key_hash) VALUES ($1, 'tg_old', 'hash-old') RETURNING id`, [userId]);
    const at = new Date(Date.now() - 3_600_000);
    for (const tokens of [10, 20, 30]) {
      await old.query(
        `INSERT INTO usage_events (id, created_at, user_id, department_id, api_key_id, provider_id, model, endpoint, stream, status, latency_ms, total_tokens, prompt_tokens, cost, currency)
         VALUES ($1, $2, $3, $4, $5, $6, 'legacy-model', 'chat.completions', false, 200, 5, $7, $7, '0.001', 'USD')`,
        [randomUUID(), at, userId, departmentId, apiKeyId, providerId, tokens],
      );
    }
    await old.query(
      `INSERT INTO usage_rollups (bucket_start, user_id, department_id, provider_id, model, currency, requests, prompt_tokens, total_tokens, cost)
       VALUES (date_trunc('hour', $1::timestamptz), $2, $3, $4, 'legacy-model', 'USD', 3, 60, 60, '0.003')`,
      [at, userId, departmentId, providerId],
    );
    await old.destroy();

    // 2. The upgrade.
    const applied = await runMigrations(url);
    expect(applied).toContain('ProviderAccounts1764600000000');

    // 3. The key moved as it was sealed; history is all there, rollups attributed to the account.
    seed = await Seed.connect(url);
    const accounts = await seed.dataSource.query(
      `SELECT id, name, encrypted_credentials, status, weight, enabled FROM provider_accounts WHERE provider_id = $1`,
      [providerId],
    );
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ name: 'default', encrypted_credentials: sealedKey, status: 'ok', weight: 1, enabled: true });
    expect(box.openJson(accounts[0].encrypted_credentials)).toEqual({ apiKey: 'sk-pre-accounts-key' });
    const [events] = await seed.dataSource.query(`SELECT count(*)::int AS n, sum(total_tokens)::int AS tokens FROM usage_events WHERE provider_id = $1`, [
      providerId,
    ]);
    expect(events).toEqual({ n: 3, tokens: 60 });
    const rollups = await seed.dataSource.query(`SELECT account_id, requests::int, total_tokens::int, cost::text FROM usage_rollups WHERE provider_id = $1`, [
      providerId,
    ]);
    expect(rollups).toEqual([{ account_id: accounts[0].id, requests: 3, total_tokens: 60, cost: '0.003' }]);

    // 4. The gateway serves the old model with the migrated key, naming the account.
    const dev = await seed.developer();
    gateway = await startGateway(url);
    const client = new OpenAI({ apiKey: dev.key, baseURL: `${gateway.url}/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: 'legacy-model', messages: [{ role: 'user', content: 'still there?' }] }).withResponse();
    expect(fake.requests.at(-1)?.headers.authorization).toBe('Bearer sk-pre-accounts-key');
    const id = response.headers.get('x-request-id');
    let row: Array<{ account_id: string; status: number }> = [];
    for (let i = 0; i < 100 && row.length === 0; i++) {
      row = await seed.dataSource.query(`SELECT account_id, status FROM usage_events WHERE id = $1`, [id]);
      if (row.length === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(row[0]).toEqual({ account_id: accounts[0].id, status: 200 });
  });
});
