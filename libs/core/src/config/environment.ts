import { isIP } from 'node:net';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUrl, Max, MaxLength, Min, MinLength, validateSync, ValidationError } from 'class-validator';
import { isSecretVariable, readFileVariables } from './secret-variables';

/** Keeps what was given when it is not a number, so the error line can show it (unless it is a secret). */
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (typeof value === 'string' || typeof value === 'number') && /^-?\d+$/.test(String(value).trim())
      ? Number(value)
      : value;
const toNumber = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : (typeof value === 'string' || typeof value === 'number') && /^\d+(\.\d+)?$/.test(String(value).trim())
      ? Number(value)
      : value;
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === ''
    ? undefined
    : typeof value === 'boolean'
      ? value
      : (typeof value === 'string' || typeof value === 'number') && ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable Tollgate reads, validated once at boot.
 * `process.env` is read here and nowhere else. Secrets may come from files (`SECRET_KEY_FILE`, ...,
 * see secret-variables.ts); their values never appear in an error line.
 */
export class Environment {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() DATABASE_URL?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) GATEWAY_PORT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) ADMIN_PORT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) EMBEDDED_PG_PORT?: number;
  @IsOptional() @IsString() APP_TIMEZONE?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(32) JWT_SECRET?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(32) SECRET_KEY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(60) JWT_EXPIRES_SECONDS?: number;

  @IsOptional() @Transform(emptyToUndefined) @IsString() ADMIN_EMAIL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(8) @MaxLength(200) ADMIN_PASSWORD?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() DASHSCOPE_API_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false }) DASHSCOPE_BASE_URL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() HUAWEI_MAAS_API_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false }) HUAWEI_MAAS_BASE_URL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() HW_ACCESS_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() HW_SECRET_KEY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() HW_REGION?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() HW_PROJECT_ID?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() ALIBABA_CLOUD_ACCESS_KEY_ID?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() ALIBABA_CLOUD_ACCESS_KEY_SECRET?: string;

  /** At least 10 s; tests may shorten it to fractions of a second (NODE_ENV=test). */
  @IsOptional() @Transform(toNumber) @IsNumber() @Min(0.05) PROVIDER_POLL_SECONDS?: number;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false }) ALERT_WEBHOOK_URL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() ALERT_BALANCE_BELOW?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) ALERT_DRIFT_PERCENT?: number;

  @IsOptional() @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) LOG_LEVEL?: string;
  /** Express "trust proxy" for the admin API (client addresses for login throttling), e.g. `10.0.0.0/8` or `1`. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() TRUST_PROXY?: string;
  /** When set, `/metrics` on both apps requires it as a Bearer token. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() @MinLength(16) @MaxLength(500) METRICS_TOKEN?: string;
  /** The gateway address shown to people (console snippets); default `http://HOST:GATEWAY_PORT`. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  GATEWAY_PUBLIC_URL?: string;
  /** Outbound proxy for provider calls and polling (lower-case spellings are read too). */
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) HTTPS_PROXY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }) HTTP_PROXY?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() NO_PROXY?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) MAX_BODY_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) DEFAULT_MAX_TOKENS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_CONNECT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_FIRST_BYTE_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_IDLE_TIMEOUT_MS?: number;
  @IsOptional() @IsIn(['serve', 'refuse']) DB_OUTAGE_POLICY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64) GATEWAY_WORKERS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() METRICS_ENABLED?: boolean;
  /** The gateway's /healthz fails (and an alert fires) when a usage event has waited this long to be written. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) USAGE_STALL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) USAGE_RETENTION_MONTHS?: number;
  /** Set by a supervisor (the stack) for the apps it starts: they stop when it is gone. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) TOLLGATE_SUPERVISOR_PID?: number;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** One line per bad variable, naming it and saying what is wrong; what was given only when it is no secret. */
function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const problems = Object.values(error.constraints ?? {}).map((constraint) => constraint.replace(`${error.property} `, ''));
    const given = isSecretVariable(error.property) ? '' : ` (got ${JSON.stringify(error.value)})`;
    return `${error.property}: ${problems.reverse().join('; ')}${given}`;
  });
}

/** Validates raw environment values for a process (`scope`); throws one line per bad variable. */
export function validateEnvironment(raw: NodeJS.ProcessEnv, scope: 'gateway' | 'admin-api' | 'stack' | 'all' = 'all'): Environment {
  const files = readFileVariables(withProxySpellings(raw));
  const env = plainToInstance(Environment, files.env, { enableImplicitConversion: false });
  const problems = [...files.problems, ...describe(validateSync(env, { skipMissingProperties: false }))];
  if (env.TRUST_PROXY && !isTrustProxy(env.TRUST_PROXY)) {
    problems.push('TRUST_PROXY: a hop count, or a comma-separated list of addresses, CIDR ranges, loopback, linklocal, uniquelocal');
  }
  if (env.APP_TIMEZONE && !isValidTimeZone(env.APP_TIMEZONE)) {
    problems.push(`APP_TIMEZONE: not an IANA time zone (got ${JSON.stringify(env.APP_TIMEZONE)})`);
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  if (env.NODE_ENV === 'production') {
    const signsTokens = scope === 'admin-api' || scope === 'all';
    if (!env.JWT_SECRET && signsTokens) problems.push('JWT_SECRET: required when NODE_ENV=production (at least 32 characters)');
    if (!env.SECRET_KEY) problems.push('SECRET_KEY: required when NODE_ENV=production (at least 32 characters)');
  }
  if (env.PROVIDER_POLL_SECONDS !== undefined && env.PROVIDER_POLL_SECONDS < 10 && env.NODE_ENV !== 'test') {
    problems.push('PROVIDER_POLL_SECONDS: must not be less than 10');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither');
  }
  // a variable whose file could not be read is reported once, as its *_FILE
  const unread = files.problems.map((problem) => problem.slice(0, problem.indexOf('_FILE:')));
  const reported = problems.filter((problem) => !unread.some((name) => problem.startsWith(`${name}: `)));
  if (reported.length > 0) throw new ConfigurationError(reported);
  return env;
}

/** `https_proxy` and friends, the lower-case spellings most tools read, when the upper-case one is unset. */
function withProxySpellings(raw: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...raw };
  for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY']) env[name] ??= raw[name.toLowerCase()];
  return env;
}

/** Express `trust proxy`: true/false, a hop count, or addresses, CIDR ranges and Express's names. */
function isTrustProxy(value: string): boolean {
  if (/^(true|false|\d+)$/.test(value.trim())) return true;
  return value.split(',').every((item) => {
    const entry = item.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, bits, extra] = entry.split('/') as [string, string?, string?];
    if (extra !== undefined || isIP(address) === 0) return false;
    return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
  });
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
