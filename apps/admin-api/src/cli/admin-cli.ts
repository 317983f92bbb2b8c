import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { AppConfig, hashPassword, prepareDatabase } from '@app/core';

const USAGE = `usage:
  npm run cli -- create-admin --email <email> --password <password> [--name <name>]
  npm run cli -- reset-password --email <email> --password <password>`;

export const CLI_COMMANDS = ['create-admin', 'reset-password', 'help'];

/**
 * First set-up without environment bootstrapping (servers where ADMIN_PASSWORD in the
 * environment is not wanted). Talks to the same database the apps use.
 */
export async function runCli(config: AppConfig, argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({ args: rest, options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } }, strict: true });
  if (command === 'help' || !values.email || !values.password) {
    process.stdout.write(`${USAGE}\n`);
    return command === 'help' ? 0 : 2;
  }
  if (values.password.length < 8) {
    process.stderr.write('--password: at least 8 characters\n');
    return 2;
  }
  const { url, embedded } = await prepareDatabase(config);
  const dataSource = new DataSource({ type: 'postgres', url });
  await dataSource.initialize();
  try {
    const hash = await hashPassword(values.password);
    if (command === 'create-admin') {
      const rows = await dataSource.query(
        `INSERT INTO users (email, name, role, password_hash) VALUES (lower($1), $2, 'admin', $3) ON CONFLICT DO NOTHING RETURNING id`,
        [values.email, values.name ?? 'Administrator', hash],
      );
      if (rows.length === 0) {
        process.stderr.write(`a user with email ${values.email} already exists; use reset-password\n`);
        return 1;
      }
      await dataSource.query(`INSERT INTO audit_log (action, entity_type, entity_id, after) VALUES ('user.create', 'user', $1, $2)`, [rows[0].id, { email: values.email.toLowerCase(), role: 'admin', via: 'cli' }]);
      process.stdout.write(`admin ${values.email} created\n`);
      return 0;
    }
    const updated = await dataSource.query(`UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = now() WHERE lower(email) = lower($1) RETURNING id`, [values.email, hash]);
    if (updated[0].length === 0) {
      process.stderr.write(`no user with email ${values.email}\n`);
      return 1;
    }
    await dataSource.query(`INSERT INTO audit_log (action, entity_type, entity_id, after) VALUES ('user.password_reset', 'user', $1, $2)`, [updated[0][0].id, { via: 'cli' }]);
    process.stdout.write(`password of ${values.email} reset\n`);
    return 0;
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}
