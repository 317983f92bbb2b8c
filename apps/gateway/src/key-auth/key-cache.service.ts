import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { AppConfig, ChangeFeed, ChangeFeedCache, ChangedTable, errorMessage, hashApiKey, looksLikeApiKey, ROOT_LOGGER } from '@app/core';
import { GatewayError } from '../proxy/gateway-error';
import type { Principal } from './principal';

/** Safety net behind the change feed: entries older than this are re-read. */
const POSITIVE_TTL_MS = 60_000;
/** Unknown keys are remembered briefly so a misconfigured client cannot hammer the database. */
const NEGATIVE_TTL_MS = 5_000;
const MAX_NEGATIVE_ENTRIES = 10_000;
const IDENTITY_TABLES: readonly ChangedTable[] = ['api_keys', 'users', 'departments'];

interface KeyRow {
  api_key_id: string;
  user_id: string;
  department_id: string | null;
  expires_at: Date | null;
  usable: boolean;
  user_models: string[] | null;
  department_models: string[] | null;
}

const LOOKUP_SQL = `
  SELECT k.id AS api_key_id, u.id AS user_id, u.department_id, k.expires_at,
         (k.revoked_at IS NULL AND u.active) AS usable,
         u.allowed_models AS user_models, d.allowed_models AS department_models
  FROM api_keys k
  JOIN users u ON u.id = k.user_id
  LEFT JOIN departments d ON d.id = u.department_id
  WHERE k.key_hash = $1`;

/**
 * API key → caller, from memory. A key is read from PostgreSQL once, then served from the map;
 * any change to keys, users or departments (from any replica or by hand) clears the map through
 * the change feed, so revocation and deactivation bite within a second. While the database is
 * unreachable, known keys keep working from their last known state.
 */
@Injectable()
export class KeyCacheService implements OnModuleInit, OnModuleDestroy {
  /** Key hash → caller; `null` remembers an unknown or unusable key (briefly, and at most 10,000 of them). */
  private readonly cache: ChangeFeedCache<string, Principal | null>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    changeFeed: ChangeFeed,
    private readonly config: AppConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {
    this.cache = new ChangeFeedCache({
      feed: changeFeed,
      tables: IDENTITY_TABLES,
      load: (hash) => this.load(hash),
      ttlMs: (principal) => (principal ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS),
      maxEntries: MAX_NEGATIVE_ENTRIES,
      bounded: (principal) => principal === null,
      onLoadError: (error, _hash, stale) => this.whenDatabaseFails(error, stale),
    });
  }

  onModuleInit(): void {
    this.cache.start();
  }

  onModuleDestroy(): void {
    this.cache.stop();
  }

  /**
   * Resolves the caller's key to a caller, or throws 401. The key comes as `Authorization: Bearer`
   * (any case of `Bearer`) or as `x-api-key` (Anthropic's clients).
   */
  async authenticate(headers: KeyHeaders): Promise<Principal> {
    const token = gatewayKeyOf(headers);
    if (!token || !looksLikeApiKey(token)) throw unauthorized();
    const principal = await this.cache.get(hashApiKey(token));
    if (!principal || (principal.expiresAt !== null && principal.expiresAt <= Date.now())) throw unauthorized();
    return principal;
  }

  clear(): void {
    this.cache.clear();
  }

  private async load(hash: string): Promise<Principal | null> {
    const rows: KeyRow[] = await this.dataSource.query(LOOKUP_SQL, [hash]);
    const row = rows.at(0);
    return row?.usable ? toPrincipal(row) : null;
  }

  /** The database cannot be read: a known caller keeps working if the outage policy says so. */
  private whenDatabaseFails(error: unknown, stale: Principal | null | undefined): Principal | null {
    if (stale && this.config.dbOutagePolicy === 'serve') {
      this.logger.warn({ err: errorMessage(error) }, 'key lookup failed; serving the cached caller');
      return stale;
    }
    throw new GatewayError(503, 'service_unavailable', 'The gateway cannot verify API keys right now; try again shortly.');
  }
}

/** The request headers a gateway key may come in. */
export interface KeyHeaders {
  authorization?: string;
  'x-api-key'?: string | string[];
}

const BEARER = /^bearer\s+/i;

function gatewayKeyOf(headers: KeyHeaders): string | undefined {
  const authorization = headers.authorization;
  if (authorization && BEARER.test(authorization)) return authorization.replace(BEARER, '').trim();
  const apiKey = headers['x-api-key'];
  return (Array.isArray(apiKey) ? apiKey[0] : apiKey)?.trim() || undefined;
}

function toPrincipal(row: KeyRow): Principal {
  return {
    apiKeyId: row.api_key_id,
    userId: row.user_id,
    departmentId: row.department_id,
    expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
    allowedModels: intersect(row.department_models, row.user_models),
  };
}

/** null means "no restriction"; a user's list can only narrow the department's. */
function intersect(department: string[] | null, user: string[] | null): ReadonlySet<string> | null {
  if (department === null && user === null) return null;
  if (department === null) return new Set(user);
  if (user === null) return new Set(department);
  const allowed = new Set(department);
  return new Set(user.filter((model) => allowed.has(model)));
}

function unauthorized(): GatewayError {
  return new GatewayError(401, 'invalid_api_key', 'Invalid API key. Use a Tollgate key: Authorization: Bearer tg_...');
}
