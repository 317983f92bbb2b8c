import { createHash } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccountStatus, ChangeFeed, ChangedTable, ProviderKind, ROOT_LOGGER, SecretBox } from '@app/core';
import { adapterFor, ProviderAdapter, ProviderCredentials } from '@app/providers';
import type { ModelPrice } from '@app/usage';
import { AccountHealthService } from '../upstream/account-health.service';
import type { UpstreamAccount } from '../upstream/upstream-account';

const RELOAD_SAFETY_NET_MS = 60_000;
const CATALOG_TABLES: ReadonlySet<ChangedTable> = new Set(['models', 'providers', 'provider_accounts']);

/** Everything needed to forward and price a call to one model, resolved once per catalog load. */
function names(routes: Map<string, ModelRoute>): ModelRoute[] {
  return [...new Set(routes.values())];
}

export interface ModelRoute {
  modelId: string;
  name: string;
  upstreamModel: string;
  providerId: string;
  providerKind: ProviderKind;
  baseUrl: string;
  adapter: ProviderAdapter;
  /** The provider's enabled accounts (calls are spread over the healthy ones by weight). */
  accounts: UpstreamAccount[];
  /** Models (by name) to try when every account of this provider is limited or down. */
  fallbacks: string[];
  /** Non-secret provider options (e.g. `messagesApi`, `responsesApi`). */
  providerOptions: Record<string, unknown>;
  /** The model's own options, overriding the provider's (e.g. `messagesApi`). */
  modelOptions: Record<string, unknown>;
  price: ModelPrice;
  createdAt: number;
}

interface CatalogRow {
  model_id: string;
  name: string;
  upstream_model: string | null;
  input_price: string;
  output_price: string;
  cached_input_price: string | null;
  cache_write_input_price: string | null;
  aliases: string[] | null;
  model_options: Record<string, unknown> | null;
  currency: string;
  price_tiers: ModelPrice['priceTiers'];
  created_at: Date;
  fallbacks: string[] | null;
  provider_id: string;
  kind: ProviderKind;
  base_url: string;
  provider_options: Record<string, unknown> | null;
}

interface AccountRow {
  id: string;
  provider_id: string;
  name: string;
  encrypted_credentials: string;
  weight: number;
  limit_group: string | null;
  status: AccountStatus;
}

const CATALOG_SQL = `
  SELECT m.id AS model_id, m.name, m.upstream_model, m.input_price::text, m.output_price::text,
         m.cached_input_price::text, m.cache_write_input_price::text, m.aliases, m.options AS model_options, m.currency, m.price_tiers, m.created_at,
         m.fallbacks, p.id AS provider_id, p.kind, p.base_url, p.options AS provider_options
  FROM models m JOIN providers p ON p.id = m.provider_id
  WHERE m.enabled AND p.enabled`;

const ACCOUNTS_SQL = `
  SELECT a.id, a.provider_id, a.name, a.encrypted_credentials, a.weight, a.limit_group, a.status
  FROM provider_accounts a JOIN providers p ON p.id = a.provider_id
  WHERE a.enabled AND p.enabled
  ORDER BY a.provider_id, a.id`;

/**
 * Models and their providers, held in memory with decrypted credentials (they never leave this
 * process). Reloaded whenever a model or provider changes anywhere, plus a periodic safety net.
 * A failed reload keeps the previous catalog: the gateway goes on serving.
 */
@Injectable()
export class ModelCatalogService implements OnModuleInit {
  private routes = new Map<string, ModelRoute>();
  private accountList: UpstreamAccount[] = [];
  private names: ModelRoute[] = [];
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changeFeed: ChangeFeed,
    private readonly secretBox: SecretBox,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly health: AccountHealthService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.changeFeed.on('change', (table: ChangedTable) => {
      if (CATALOG_TABLES.has(table)) void this.reload();
    });
    this.changeFeed.on('resync', () => void this.reload());
    setInterval(() => void this.reload(), RELOAD_SAFETY_NET_MS).unref();
    await this.reload();
  }

  /** The model a name or an alias resolves to (an alias is metered under the model's name). */
  route(model: string): ModelRoute | undefined {
    return this.routes.get(model);
  }

  /** Every model once (aliases not repeated). */
  all(): ModelRoute[] {
    return this.names;
  }

  /** Every enabled upstream account (metrics). */
  accounts(): UpstreamAccount[] {
    return this.accountList;
  }

  /** Coalesces bursts of change notifications into at most one reload at a time (plus one after). */
  reload(): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    this.reloading = this.load()
      .catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'model catalog reload failed; keeping the previous one'))
      .finally(() => {
        this.reloading = undefined;
        if (this.reloadAgain) {
          this.reloadAgain = false;
          void this.reload();
        }
      });
    return this.reloading;
  }

  private async load(): Promise<void> {
    const [rows, accountRows] = await Promise.all([this.dataSource.query<CatalogRow[]>(CATALOG_SQL), this.dataSource.query<AccountRow[]>(ACCOUNTS_SQL)]);
    const accounts = this.openAccounts(accountRows);
    const byProvider = new Map<string, UpstreamAccount[]>();
    for (const account of accounts) byProvider.set(account.providerId, [...(byProvider.get(account.providerId) ?? []), account]);
    const routes = new Map<string, ModelRoute>();
    const aliases = new Map<string, ModelRoute>();
    for (const row of rows) {
      const route: ModelRoute = {
        modelId: row.model_id,
        name: row.name,
        upstreamModel: row.upstream_model ?? row.name,
        providerId: row.provider_id,
        providerKind: row.kind,
        baseUrl: row.base_url,
        adapter: adapterFor(row.kind),
        accounts: byProvider.get(row.provider_id) ?? [],
        fallbacks: row.fallbacks ?? [],
        providerOptions: row.provider_options ?? {},
        modelOptions: row.model_options ?? {},
        price: {
          inputPrice: row.input_price,
          outputPrice: row.output_price,
          cachedInputPrice: row.cached_input_price,
          cacheWriteInputPrice: row.cache_write_input_price,
          currency: row.currency,
          priceTiers: row.price_tiers,
        },
        createdAt: Math.floor(new Date(row.created_at).getTime() / 1000),
      };
      routes.set(row.name, route);
      for (const alias of row.aliases ?? []) aliases.set(alias, route);
    }
    // A model's own name wins over another model's alias (the admin API refuses such clashes).
    for (const [alias, route] of aliases) if (!routes.has(alias)) routes.set(alias, route);
    this.health.sync(accounts);
    this.accountList = accounts;
    this.routes = routes;
    this.names = names(routes);
  }

  /** Decrypts each account's credentials; an account that cannot be opened is left out, the others serve. */
  private openAccounts(rows: AccountRow[]): UpstreamAccount[] {
    const accounts: UpstreamAccount[] = [];
    for (const row of rows) {
      let credentials: ProviderCredentials;
      try {
        credentials = this.secretBox.openJson<ProviderCredentials>(row.encrypted_credentials);
      } catch (error) {
        this.logger.error(
          { providerId: row.provider_id, accountId: row.id, err: (error as Error).message },
          'account credentials cannot be decrypted; the account is unavailable',
        );
        continue;
      }
      accounts.push({
        id: row.id,
        providerId: row.provider_id,
        name: row.name,
        weight: row.weight,
        limitGroup: row.limit_group,
        credentials,
        credentialsVersion: createHash('sha256').update(row.encrypted_credentials).digest('base64url').slice(0, 16),
        storedStatus: row.status,
      });
    }
    return accounts;
  }
}
