import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
  ValidationError,
} from 'class-validator';

/** Keeps what was given when it is not a number, so the error line can show it. */
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value).trim()) ? Number(value) : value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable Tollgate reads, validated once at boot.
 * `process.env` is read here and nowhere else.
 */
export class Environment {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;

  @IsOptional() @Transform(emptyToUndefined) @IsString() DATABASE_URL?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) GATEWAY_PORT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) ADMIN_PORT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535) EMBEDDED_PG_PORT?: number;
  /** The gateway address shown to people (console key snippets); default http://HOST:GATEWAY_PORT. */
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) GATEWAY_PUBLIC_URL?: string;
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

  @IsOptional() @Transform(toInt) @IsInt() @Min(10) PROVIDER_POLL_SECONDS?: number;
  @IsOptional() @Transform(emptyToUndefined) @IsUrl({ require_tld: false }) ALERT_WEBHOOK_URL?: string;
  @IsOptional() @Transform(emptyToUndefined) @IsString() ALERT_BALANCE_BELOW?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) ALERT_DRIFT_PERCENT?: number;

  @IsOptional() @IsIn(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']) LOG_LEVEL?: string;
  /** Express "trust proxy" for the admin API (client addresses for login throttling), e.g. `10.0.0.0/8` or `1`. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() TRUST_PROXY?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) MAX_BODY_BYTES?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) DEFAULT_MAX_TOKENS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_CONNECT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_FIRST_BYTE_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) UPSTREAM_IDLE_TIMEOUT_MS?: number;
  @IsOptional() @IsIn(['serve', 'refuse']) DB_OUTAGE_POLICY?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(64) GATEWAY_WORKERS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() METRICS_ENABLED?: boolean;
  /** When set, `/metrics` on both apps requires `Authorization: Bearer <METRICS_TOKEN>`. */
  @IsOptional() @Transform(emptyToUndefined) @IsString() METRICS_TOKEN?: string;
  /** The gateway's /healthz fails (and an alert fires) when a usage event has waited this long to be written. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) USAGE_STALL_SECONDS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) USAGE_RETENTION_MONTHS?: number;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** One line per bad variable, naming it, saying what is wrong and what was given. */
function describe(errors: ValidationError[]): string[] {
  return errors.map((error) => {
    const problems = Object.values(error.constraints ?? {}).map((constraint) => constraint.replace(`${error.property} `, ''));
    return `${error.property}: ${problems.reverse().join('; ')} (got ${JSON.stringify(error.value)})`;
  });
}

/** Validates raw environment values; throws one line per bad variable. */
export function validateEnvironment(raw: NodeJS.ProcessEnv): Environment {
  const env = plainToInstance(Environment, { ...raw }, { enableImplicitConversion: false });
  const problems = describe(validateSync(env, { skipMissingProperties: false }));
  if (env.APP_TIMEZONE && !isValidTimeZone(env.APP_TIMEZONE)) {
    problems.push(`APP_TIMEZONE: not an IANA time zone (got ${JSON.stringify(env.APP_TIMEZONE)})`);
  }
  if (env.DATABASE_URL && !/^postgres(ql)?:\/\//.test(env.DATABASE_URL)) {
    problems.push('DATABASE_URL: must start with postgres:// or postgresql://');
  }
  if (env.NODE_ENV === 'production') {
    if (!env.JWT_SECRET) problems.push('JWT_SECRET: required when NODE_ENV=production (at least 32 characters)');
    if (!env.SECRET_KEY) problems.push('SECRET_KEY: required when NODE_ENV=production (at least 32 characters)');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither');
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return env;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
