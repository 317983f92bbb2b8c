import { createHash } from 'node:crypto';
import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AccountStatus, ChangeFeed, ChangeFeedSnapshot, ChangedTable, errorMessage, ProviderKind, ROOT_LOGGER, SecretBox } from '@app/core';
import { adapterFor, ProviderAdapter, ProviderCredentials } from '@app/providers';
import type { ModelPrice } from '@app/usage';
import { AccountHealthService } from '../upstream/account-health.service';
import type { UpstreamAccount } from '../upstream/upstream-account';

const RELOAD_SAFETY_NET_MS = 60_000;
const CATALOG_TABLES: readonly ChangedTable[] = ['models', 'providers', 'provider_accounts'];

/** Everything needed to forward and price a call to one model, resolved once per catalog load. */
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

/** One catalog load: routes by name and alias, every model once, every enabled account. */
interface Catalog {
  routes: Map<string, ModelRoute>;
  names: ModelRoute[];
  accounts: UpstreamAccount[];
}

const EMPTY_CATALOG: Catalog = { routes: new Map(), names: [], accounts: [] };

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
export class ModelCatalogService implements OnModuleInit, OnModuleDestroy {
  private readonly catalog: ChangeFeedSnapshot<Catalog>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    changeFeed: ChangeFeed,
    private readonly secretBox: SecretBox,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly health: AccountHealthService,
  ) {
    this.catalog = new ChangeFeedSnapshot({
      feed: changeFeed,
      tables: CATALOG_TABLES,
      load: () => this.load(),
      initial: EMPTY_CATALOG,
      resyncEveryMs: RELOAD_SAFETY_NET_MS,
      onLoadError: (error) => this.logger.warn({ err: errorMessage(error) }, 'model catalog reload failed; keeping the previous one'),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.catalog.start();
  }

  onModuleDestroy(): void {
    this.catalog.stop();
  }

  /** The model a name or an alias resolves to (an alias is metered under the model's name). */
  route(model: string): ModelRoute | undefined {
    return this.catalog.current.routes.get(model);
  }

  /** Every model once (aliases not repeated). */
  all(): ModelRoute[] {
    return this.catalog.current.names;
  }

  /** Every enabled upstream account (metrics). */
  accounts(): UpstreamAccount[] {
    return this.catalog.current.accounts;
  }

  /** Reloads now; bursts of change notifications coalesce into at most one reload at a time (plus one after). */
  reload(): Promise<void> {
    return this.catalog.reload();
  }

  private async load(): Promise<Catalog> {
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
    return { routes, names: [...new Set(routes.values())], accounts };
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
