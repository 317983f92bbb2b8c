import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { resolve, join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { Environment, validateEnvironment } from './environment';

export type OutagePolicy = 'serve' | 'refuse';

/** The process a configuration is loaded for: each holds only the secrets it uses. */
export type ConfigScope = 'gateway' | 'admin-api' | 'stack' | 'all';

/** Fields that hold secrets: never serialised, logged or inspected (`toJSON`, `util.inspect`). */
const SECRET_FIELDS = ['databaseUrl', 'jwtSecret', 'secretKey', 'adminPassword', 'metricsToken', 'bootstrapProviders', 'outboundProxy'] as const;

/** Secrets the gateway (and the stack supervisor) have no use for and so never hold. */
type AdminOnlySecret = 'jwtSecret' | 'adminPassword';

/**
 * The validated, typed configuration. Built once per process by `AppConfig.load(raw, scope)` and
 * provided to Nest under its own class token. Loaded for the gateway, it does not hold the JWT
 * secret or the admin password (reading them throws).
 */
export class AppConfig {
  readonly nodeEnv: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  readonly host: string;
  readonly gatewayPort: number;
  readonly adminPort: number;
  readonly timezone: string;
  readonly jwtExpiresSeconds: number;
  readonly secretKey: string;
  readonly adminEmail: string | undefined;
  /** When set, `/metrics` requires it as a Bearer token. */
  readonly metricsToken: string | undefined;
  /** The gateway address shown to people (console snippets), without a trailing slash. */
  readonly gatewayPublicUrl: string;
  /** Outbound proxy for provider calls and polling (HTTPS_PROXY, HTTP_PROXY, NO_PROXY). */
  readonly outboundProxy: { httpsProxy: string | undefined; httpProxy: string | undefined; noProxy: string[] };
  readonly providerPollSeconds: number;
  readonly alertWebhookUrl: string | undefined;
  /** A provider balance under this amount raises an alert (unset: never). */
  readonly alertBalanceBelow: string | undefined;
  /** Reconciliation drift, in percent of the provider's figure, that raises an alert. */
  readonly alertDriftPercent: number;
  readonly logLevel: string;
  /** Express `trust proxy` setting for the admin API: unset trusts no proxy (`X-Forwarded-For` is ignored). */
  readonly trustProxy: string | number | boolean;
  readonly maxBodyBytes: number;
  readonly defaultMaxTokens: number;
  readonly upstreamConnectTimeoutMs: number;
  readonly upstreamFirstByteTimeoutMs: number;
  readonly upstreamIdleTimeoutMs: number;
  readonly dbOutagePolicy: OutagePolicy;
  readonly gatewayWorkers: number;
  readonly metricsEnabled: boolean;
  /** Oldest unwritten usage event older than this: the gateway is unhealthy and alerts. */
  readonly usageStallSeconds: number;
  readonly usageRetentionMonths: number;
  /** The supervisor that started this process, which stops when it is gone (unset: none). */
  readonly supervisorPid: number | undefined;
  readonly bootstrapProviders: {
    dashscope?: { apiKey: string; baseUrl: string; accessKeyId?: string; accessKeySecret?: string };
    huaweiMaas?: { apiKey: string; baseUrl: string; accessKey?: string; secretKey?: string; region?: string; projectId?: string };
  };

  readonly scope: ConfigScope;
  readonly #adminSecrets: { jwtSecret: string; adminPassword: string | undefined } | undefined;

  private constructor(env: Environment, scope: ConfigScope) {
    this.scope = scope;
    this.nodeEnv = env.NODE_ENV ?? 'development';
    this.dataDir = resolve(env.DATA_DIR ?? './.data');
    this.databaseUrl = env.DATABASE_URL;
    this.embeddedPgPort = env.EMBEDDED_PG_PORT ?? 54329;
    this.host = env.HOST ?? '127.0.0.1';
    this.gatewayPort = env.GATEWAY_PORT ?? 8080;
    this.adminPort = env.ADMIN_PORT ?? 8081;
    this.timezone = env.APP_TIMEZONE ?? 'UTC';
    const needsJwt = scope !== 'gateway' && scope !== 'stack';
    const secrets = (env.JWT_SECRET || !needsJwt) && env.SECRET_KEY ? undefined : persistedSecrets(this.dataDir);
    const persisted = (name: 'jwtSecret' | 'secretKey'): string => {
      if (!secrets) throw new Error(`${name}: neither given nor read from the data directory`); // unreachable: read above whenever one is missing
      return secrets[name];
    };
    this.#adminSecrets = needsJwt ? { jwtSecret: env.JWT_SECRET ?? persisted('jwtSecret'), adminPassword: env.ADMIN_PASSWORD } : undefined;
    this.secretKey = env.SECRET_KEY ?? persisted('secretKey');
    this.jwtExpiresSeconds = env.JWT_EXPIRES_SECONDS ?? 8 * 3600;
    this.adminEmail = env.ADMIN_EMAIL;
    this.metricsToken = env.METRICS_TOKEN;
    const shownHost = ['0.0.0.0', '::', '[::]'].includes(this.host) ? '127.0.0.1' : this.host.includes(':') ? `[${this.host}]` : this.host;
    this.gatewayPublicUrl = (env.GATEWAY_PUBLIC_URL ?? `http://${shownHost}:${this.gatewayPort}`).replace(/\/+$/, '');
    this.outboundProxy = {
      httpsProxy: env.HTTPS_PROXY,
      httpProxy: env.HTTP_PROXY,
      noProxy: (env.NO_PROXY ?? '')
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    };
    this.providerPollSeconds = env.PROVIDER_POLL_SECONDS ?? 300;
    this.alertWebhookUrl = env.ALERT_WEBHOOK_URL;
    this.alertBalanceBelow = env.ALERT_BALANCE_BELOW;
    this.alertDriftPercent = env.ALERT_DRIFT_PERCENT ?? 5;
    this.logLevel = env.LOG_LEVEL ?? 'info';
    this.trustProxy = parseTrustProxy(env.TRUST_PROXY);
    this.maxBodyBytes = env.MAX_BODY_BYTES ?? 10 * 1024 * 1024;
    this.defaultMaxTokens = env.DEFAULT_MAX_TOKENS ?? 4096;
    this.upstreamConnectTimeoutMs = env.UPSTREAM_CONNECT_TIMEOUT_MS ?? 10_000;
    this.upstreamFirstByteTimeoutMs = env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS ?? 120_000;
    this.upstreamIdleTimeoutMs = env.UPSTREAM_IDLE_TIMEOUT_MS ?? 120_000;
    this.dbOutagePolicy = (env.DB_OUTAGE_POLICY as OutagePolicy | undefined) ?? 'serve';
    this.gatewayWorkers = env.GATEWAY_WORKERS ?? 1;
    this.metricsEnabled = env.METRICS_ENABLED ?? true;
    this.usageStallSeconds = env.USAGE_STALL_SECONDS ?? 60;
    this.usageRetentionMonths = env.USAGE_RETENTION_MONTHS ?? 24;
    this.supervisorPid = env.TOLLGATE_SUPERVISOR_PID;
    this.bootstrapProviders = {
      dashscope: env.DASHSCOPE_API_KEY
        ? {
            apiKey: env.DASHSCOPE_API_KEY,
            baseUrl: env.DASHSCOPE_BASE_URL ?? 'https://dashscope.aliyuncs.com',
            accessKeyId: env.ALIBABA_CLOUD_ACCESS_KEY_ID,
            accessKeySecret: env.ALIBABA_CLOUD_ACCESS_KEY_SECRET,
          }
        : undefined,
      huaweiMaas: env.HUAWEI_MAAS_API_KEY
        ? {
            apiKey: env.HUAWEI_MAAS_API_KEY,
            baseUrl: env.HUAWEI_MAAS_BASE_URL ?? 'https://api.modelarts-maas.com',
            accessKey: env.HW_ACCESS_KEY,
            secretKey: env.HW_SECRET_KEY,
            region: env.HW_REGION,
            projectId: env.HW_PROJECT_ID,
          }
        : undefined,
    };
  }

  /**
   * Reads `.env` (without overriding the real environment), validates, and fills generated
   * secrets. `scope` says which process this is for; the gateway's holds fewer secrets.
   */
  static load(raw: NodeJS.ProcessEnv = process.env, scope: ConfigScope = 'all'): AppConfig {
    if (raw === process.env) loadDotenv({ quiet: true });
    return new AppConfig(validateEnvironment(raw, scope), scope);
  }

  /** JWT signing secret (admin API only). */
  get jwtSecret(): string {
    return this.adminSecret('jwtSecret') as string;
  }

  /** First-admin password (admin API only). */
  get adminPassword(): string | undefined {
    return this.adminSecret('adminPassword');
  }

  private adminSecret(name: AdminOnlySecret): string | undefined {
    if (!this.#adminSecrets) throw new Error(`${name} is not loaded in the ${this.scope} process`);
    return this.#adminSecrets[name];
  }

  /** What logging or serialising the configuration shows: secrets as `[redacted]`. */
  toJSON(): Record<string, unknown> {
    const shown: Record<string, unknown> = Object.fromEntries(Object.entries(this));
    for (const field of SECRET_FIELDS) if (field in shown) shown[field] = '[redacted]';
    return shown;
  }

  [inspect.custom](): Record<string, unknown> {
    return this.toJSON();
  }

  get spoolDir(): string {
    return join(this.dataDir, 'spool');
  }
}

/** `TRUST_PROXY` in Express's syntax: a hop count, `true`/`false`, or addresses and subnets (`loopback, 10.0.0.0/8`). */
function parseTrustProxy(value: string | undefined): string | number | boolean {
  if (!value || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

interface PersistedSecrets {
  jwtSecret: string;
  secretKey: string;
}

/**
 * Generated once into DATA_DIR so tokens and encrypted credentials survive restarts of the
 * embedded default. Production must pass real secrets (validated in environment.ts).
 */
function persistedSecrets(dataDir: string): PersistedSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as PersistedSecrets;
  mkdirSync(dataDir, { recursive: true });
  const secrets: PersistedSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    secretKey: randomBytes(48).toString('base64url'),
  };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { flag: 'wx', mode: 0o600 });
  } catch {
    // another process of the stack won the race: use its secrets
    return JSON.parse(readFileSync(file, 'utf8')) as PersistedSecrets;
  }
  chmodSync(file, 0o600);
  return secrets;
}
