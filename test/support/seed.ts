import { DataSource } from 'typeorm';
import { hashPassword, mintApiKey, ProviderKind, Role, SecretBox } from '@app/core';
import { TEST_SECRET_KEY } from '@app/core/testing';

/**
 * THE seeding API: direct inserts of the rows a test needs (no audit entry, no permission check).
 * `seedUser`/`seedDepartment` (admin-app.ts) insert through it too. The admin API's own suites
 * create what they test over HTTP.
 */
export class Seed {
  private readonly box = new SecretBox(TEST_SECRET_KEY);

  constructor(readonly dataSource: DataSource) {}

  static async connect(url: string): Promise<Seed> {
    const dataSource = new DataSource({ type: 'postgres', url });
    await dataSource.initialize();
    return new Seed(dataSource);
  }

  close(): Promise<void> {
    return this.dataSource.destroy();
  }

  async provider(kind: ProviderKind, baseUrl: string, apiKey: string, name = `${kind}-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
    const [row] = await this.dataSource.query(`INSERT INTO providers (name, kind, base_url, encrypted_credentials) VALUES ($1, $2, $3, $4) RETURNING id`, [
      name,
      kind,
      baseUrl,
      this.box.sealJson({ apiKey }),
    ]);
    await this.account(row.id, apiKey, { name: 'default' });
    return row.id;
  }

  /** An upstream account of a provider (a provider seeded with `provider()` already has one, `default`). */
  async account(
    providerId: string,
    apiKey: string,
    opts: { name?: string; weight?: number; enabled?: boolean; limitGroup?: string | null } = {},
  ): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO provider_accounts (provider_id, name, encrypted_credentials, weight, enabled, limit_group, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        providerId,
        opts.name ?? `acct-${Math.random().toString(36).slice(2, 8)}`,
        this.box.sealJson({ apiKey }),
        opts.weight ?? 1,
        opts.enabled ?? true,
        opts.limitGroup ?? null,
        opts.enabled === false ? 'disabled' : 'ok',
      ],
    );
    return row.id;
  }

  async model(
    name: string,
    providerId: string,
    price: { input: string; output: string; cached?: string | null; currency?: 'CNY' | 'USD'; upstream?: string | null } = { input: '1', output: '2' },
  ): Promise<string> {
    const [row] = await this.dataSource.query(
      `INSERT INTO models (name, provider_id, upstream_model, input_price, output_price, cached_input_price, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [name, providerId, price.upstream ?? null, price.input, price.output, price.cached ?? null, price.currency ?? 'CNY'],
    );
    return row.id;
  }

  async department(name: string, allowedModels: string[] | null = null): Promise<string> {
    const [row] = await this.dataSource.query(`INSERT INTO departments (name, allowed_models) VALUES ($1, $2) RETURNING id`, [name, allowedModels]);
    return row.id;
  }

  async user(opts: {
    departmentId: string | null;
    role?: Role;
    email?: string;
    name?: string;
    password?: string;
    allowedModels?: string[] | null;
  }): Promise<string> {
    const email = opts.email ?? `user-${Math.random().toString(36).slice(2, 10)}@example.com`;
    const [row] = await this.dataSource.query(
      `INSERT INTO users (email, name, role, department_id, password_hash, allowed_models) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        email,
        opts.name ?? email.split('@')[0],
        opts.role ?? 'developer',
        opts.departmentId,
        opts.password ? await hashPassword(opts.password) : null,
        opts.allowedModels ?? null,
      ],
    );
    return row.id;
  }

  async apiKey(userId: string, opts: { expiresAt?: Date } = {}): Promise<{ id: string; key: string }> {
    const minted = mintApiKey();
    const [row] = await this.dataSource.query(
      `INSERT INTO api_keys (user_id, name, prefix, key_hash, expires_at) VALUES ($1, 'test', $2, $3, $4) RETURNING id`,
      [userId, minted.prefix, minted.hash, opts.expiresAt ?? null],
    );
    return { id: row.id, key: minted.key };
  }

  /** A developer with a key in a fresh department. */
  async developer(allowedModels: string[] | null = null): Promise<{ userId: string; departmentId: string; key: string; apiKeyId: string }> {
    const departmentId = await this.department(`dept-${Math.random().toString(36).slice(2, 8)}`);
    const userId = await this.user({ departmentId, allowedModels });
    const { id, key } = await this.apiKey(userId);
    return { userId, departmentId, key, apiKeyId: id };
  }
}
