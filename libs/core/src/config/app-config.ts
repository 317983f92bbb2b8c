import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { Environment, validateEnvironment } from './environment';

export type OutagePolicy = 'serve' | 'refuse';

/**
 * The validated, typed configuration shared by every process. Built once per process by
 * `AppConfig.load()` and provided to Nest under its own class token.
 */
export class AppConfig {
  readonly nodeEnv: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly embeddedPgPort: number;
  readonly host: string;
  readonly gatewayPort: number;
  /** GATEWAY_PUBLIC_URL, without a trailing slash: the gateway address the console shows. */
  readonly gatewayPublicUrl: string;
  readonly adminPort: number;
  readonly timezone: string;
  readonly jwtSecret: string;
  readonly jwtExpiresSeconds: number;
  readonly secretKey: string;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly providerPollSeconds: number;
  readonly alertWebhookUrl: string | undefined;
  /** A provider balance under this amount raises an alert (unset: never). */
  readonly alertBalanceBelow: string | undefined;
  /** Reconciliation drift, in percent of the provider's figure, that raises an alert. */
  readonly alertDriftPercent: number;
  readonly logLevel: string;
  /** Express `trust proxy` setting for the admin API; loopback by default. */
  readonly trustProxy: string | number;
  readonly maxBodyBytes: number;
  readonly defaultMaxTokens: number;
  readonly upstreamConnectTimeoutMs: number;
  readonly upstreamFirstByteTimeoutMs: number;
  readonly upstreamIdleTimeoutMs: number;
  readonly dbOutagePolicy: OutagePolicy;
  readonly gatewayWorkers: number;
  readonly metricsEnabled: boolean;
  /** Bearer token `/metrics` requires on both apps (unset: open). */
  readonly metricsToken: string | undefined;
  /** Oldest unwritten usage event older than this: the gateway is unhealthy and alerts. */
  readonly usageStallSeconds: number;
  readonly usageRetentionMonths: number;
  readonly bootstrapProviders: {
    dashscope?: { apiKey: string; baseUrl: string; accessKeyId?: string; accessKeySecret?: string };
    huaweiMaas?: { apiKey: string; baseUrl: string; accessKey?: string; secretKey?: string; region?: string; projectId?: string };
  };

  private constructor(env: Environment) {
    this.nodeEnv = env.NODE_ENV ?? 'development';
    this.dataDir = resolve(env.DATA_DIR ?? './.data');
    this.databaseUrl = env.DATABASE_URL;
    this.embeddedPgPort = env.EMBEDDED_PG_PORT ?? 54329;
    this.host = env.HOST ?? '127.0.0.1';
    this.gatewayPort = env.GATEWAY_PORT ?? 8080;
    this.gatewayPublicUrl = (env.GATEWAY_PUBLIC_URL ?? `http://${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.gatewayPort}`).replace(/\/+$/, '');
    this.adminPort = env.ADMIN_PORT ?? 8081;
    this.timezone = env.APP_TIMEZONE ?? 'UTC';
    const secrets = env.JWT_SECRET && env.SECRET_KEY ? undefined : persistedSecrets(this.dataDir);
    this.jwtSecret = env.JWT_SECRET ?? secrets!.jwtSecret;
    this.secretKey = env.SECRET_KEY ?? secrets!.secretKey;
    this.jwtExpiresSeconds = env.JWT_EXPIRES_SECONDS ?? 8 * 3600;
    this.adminEmail = env.ADMIN_EMAIL;
    this.adminPassword = env.ADMIN_PASSWORD;
    this.providerPollSeconds = env.PROVIDER_POLL_SECONDS ?? 300;
    this.alertWebhookUrl = env.ALERT_WEBHOOK_URL;
    this.alertBalanceBelow = env.ALERT_BALANCE_BELOW;
    this.alertDriftPercent = env.ALERT_DRIFT_PERCENT ?? 5;
    this.logLevel = env.LOG_LEVEL ?? 'info';
    this.trustProxy = env.TRUST_PROXY && /^\d+$/.test(env.TRUST_PROXY) ? Number(env.TRUST_PROXY) : (env.TRUST_PROXY ?? 'loopback');
    this.maxBodyBytes = env.MAX_BODY_BYTES ?? 10 * 1024 * 1024;
    this.defaultMaxTokens = env.DEFAULT_MAX_TOKENS ?? 4096;
    this.upstreamConnectTimeoutMs = env.UPSTREAM_CONNECT_TIMEOUT_MS ?? 10_000;
    this.upstreamFirstByteTimeoutMs = env.UPSTREAM_FIRST_BYTE_TIMEOUT_MS ?? 120_000;
    this.upstreamIdleTimeoutMs = env.UPSTREAM_IDLE_TIMEOUT_MS ?? 120_000;
    this.dbOutagePolicy = (env.DB_OUTAGE_POLICY as OutagePolicy | undefined) ?? 'serve';
    this.gatewayWorkers = env.GATEWAY_WORKERS ?? 1;
    this.metricsEnabled = env.METRICS_ENABLED ?? true;
    this.metricsToken = env.METRICS_TOKEN;
    this.usageStallSeconds = env.USAGE_STALL_SECONDS ?? 60;
    this.usageRetentionMonths = env.USAGE_RETENTION_MONTHS ?? 24;
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

  /** Reads `.env` (without overriding the real environment), validates, and fills generated secrets. */
  static load(raw: NodeJS.ProcessEnv = process.env): AppConfig {
    if (raw === process.env) loadDotenv({ quiet: true });
    return new AppConfig(validateEnvironment(raw));
  }

  get spoolDir(): string {
    return join(this.dataDir, 'spool');
  }
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
