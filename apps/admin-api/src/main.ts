import 'reflect-metadata';
import { createRootLogger, describeStartupError, StartupError, exitWithSupervisor, loadConfigOrExit, prepareDatabase } from '@app/core';
import { SECRET_FIELD_NAMES } from '@app/providers';
import { createAdminApp } from './admin-app';
import { CLI_COMMANDS, runCli } from './cli';

/**
 * The admin API process: `node dist/apps/admin-api/main.js`. With a CLI command as the first
 * argument (`create-admin`, `reset-password`, `help`) it runs that instead and exits.
 * A bad or missing configuration value stops it with one line per problem, naming the variable.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('admin-api');
  const command = process.argv[2];
  if (command && CLI_COMMANDS.includes(command)) {
    process.exit(await runCli(config, process.argv.slice(2)));
  }
  exitWithSupervisor(config.supervisorPid);
  const logger = createRootLogger(config.logLevel, 'admin-api', SECRET_FIELD_NAMES);
  const { url } = await prepareDatabase(config, (line) => logger.debug({ postgres: line }));
  const app = await createAdminApp(config, url, logger);
  await app.listen(config.adminPort, config.host).catch((error: unknown) => {
    throw new StartupError(describeStartupError(error, { port: config.adminPort, host: config.host, variable: 'ADMIN_PORT' }));
  });
  const base = `http://${config.host}:${config.adminPort}`;
  logger.info({ url: base, docs: `${base}/api/docs` }, 'admin API listening');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`admin API failed to start: ${describeStartupError(error)}\n`);
  process.exit(1);
});
