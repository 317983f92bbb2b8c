import { parseArgs } from 'node:util';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig, AppLogger, CoreModule, CoreModuleOptions, createRootLogger, prepareDatabase } from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
import { AuditModule } from './audit/audit.module';
import { SessionsModule } from './auth/sessions.module';
import { passwordWeakness } from './auth/password-policy';
import { ConflictError, NotFoundError, ValidationError } from './common/errors';
import { UsersModule } from './users/users.module';
import { UsersService } from './users/users.service';

const USAGE = `Tollgate admin CLI (talks to the same database as the apps: DATABASE_URL or the embedded one in DATA_DIR)

usage:
  npm run cli -- create-admin   --email <email> (--password <password> | --password-stdin) [--name <name>]
  npm run cli -- reset-password --email <email> (--password <password> | --password-stdin)
  npm run cli -- help

Passwords: at least 12 characters and hard to guess (zxcvbn score 3 of 4). reset-password ends
the user's sessions. --password-stdin reads the password from standard input
(keeps it out of the shell history and the process list).`;

export const CLI_COMMANDS: readonly string[] = ['create-admin', 'reset-password', 'help', '--help', '-h'];

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** The whole of standard input (for --password-stdin). */
  readStdin(): Promise<string>;
}

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    return Buffer.concat(chunks).toString('utf8');
  },
};

/**
 * First set-up and recovery without the HTTP API: create an admin, reset a password. Dispatched
 * from main.ts (`node dist/apps/admin-api/main.js create-admin ...`, i.e. `npm run cli -- ...`).
 * Returns the exit code: 0 done, 1 refused (exists / unknown), 2 bad usage.
 */
export async function runCli(config: AppConfig, argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.out(USAGE);
    return 0;
  }
  let values: { email?: string; password?: string; name?: string; 'password-stdin'?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
      strict: true,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const email = values.email?.trim().toLowerCase();
  if (!email || !EMAIL.test(email)) {
    io.err(`--email: a valid email address is required\n\n${USAGE}`);
    return 2;
  }
  const password = values['password-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : values.password;
  const name = values.name?.trim() || 'Administrator';
  // The same policy UsersService applies, checked before the database is started.
  const weakness = password ? passwordWeakness(password, [email, name]) : 'is required';
  if (!password || weakness) {
    io.err(`--password: ${weakness}`);
    return 2;
  }

  const { url, embedded } = await prepareDatabase(config);
  const logger = new AppLogger(createRootLogger('warn', 'admin-cli', SECRET_FIELD_NAMES));
  const app = await NestFactory.createApplicationContext(CliModule.register({ config, databaseUrl: url, logger, poolSize: 2 }), { logger: false });
  try {
    const users = app.get(UsersService);
    if (command === 'create-admin') {
      await users.createAdmin({ email, name, password }, 'cli');
      io.out(`admin ${email} created`);
    } else {
      await users.resetPassword(email, password, 'cli');
      io.out(`password of ${email} reset; their sessions have ended`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ConflictError) io.err(`a user with the email ${email} already exists; use reset-password, or change their role over the API`);
    else if (error instanceof NotFoundError) io.err(`no user with the email ${email}`);
    else if (error instanceof ValidationError) io.err(`--${error.message}`);
    else throw error;
    return error instanceof ValidationError ? 2 : 1;
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

/** What the CLI needs of the admin API: the database, users (and through them audit and sessions); no HTTP. */
@Module({})
class CliModule {
  static register(options: CoreModuleOptions): DynamicModule {
    return { module: CliModule, imports: [CoreModule.forRoot(options), AuditModule, SessionsModule, UsersModule] };
  }
}
