import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppConfig, hashPassword, prepareDatabase } from '@app/core';

const USAGE = `Tollgate admin CLI (talks to the same database as the apps: DATABASE_URL or the embedded one in DATA_DIR)

usage:
  npm run cli -- create-admin   --email <email> (--password <password> | --password-stdin) [--name <name>]
  npm run cli -- reset-password --email <email> (--password <password> | --password-stdin)
  npm run cli -- help

reset-password ends the user's sessions. --password-stdin reads the password from standard input
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
  if (!password || password.length < 8 || password.length > 200) {
    io.err('--password: 8 to 200 characters');
    return 2;
  }
  const name = values.name?.trim() || 'Administrator';

  const { url, embedded } = await prepareDatabase(config);
  const dataSource = new DataSource({ type: 'postgres', url });
  await dataSource.initialize();
  try {
    const hash = await hashPassword(password);
    if (command === 'create-admin') {
      const rows = (await dataSource.query(
        `INSERT INTO users (email, name, role, password_hash) VALUES ($1, $2, 'admin', $3) ON CONFLICT DO NOTHING RETURNING id`,
        [email, name, hash],
      )) as Array<{ id: string }>;
      if (rows.length === 0) {
        io.err(`a user with the email ${email} already exists; use reset-password, or change their role over the API`);
        return 1;
      }
      await audit(dataSource, 'user.create', rows[0].id, { email, name, role: 'admin', via: 'cli' });
      io.out(`admin ${email} created`);
      return 0;
    }
    const [rows] = (await dataSource.query(
      `UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now() WHERE lower(email) = $1 RETURNING id`,
      [email, hash],
    )) as [Array<{ id: string }>, number];
    if (rows.length === 0) {
      io.err(`no user with the email ${email}`);
      return 1;
    }
    await audit(dataSource, 'user.password_reset', rows[0].id, { via: 'cli' });
    io.out(`password of ${email} reset; their sessions have ended`);
    return 0;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

function audit(dataSource: DataSource, action: string, userId: string, after: Record<string, unknown>): Promise<unknown> {
  return dataSource.query(`INSERT INTO audit_log (action, entity_type, entity_id, after) VALUES ($1, 'user', $2, $3)`, [action, userId, after]);
}
