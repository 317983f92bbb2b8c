import { AppConfig, ConfigScope } from '../config/app-config';
import { ConfigurationError } from '../config/environment';

/** The admin API's secrets, removed from the gateway's environment once its configuration is loaded. */
const GATEWAY_WITHHELD = ['JWT_SECRET', 'JWT_SECRET_FILE', 'ADMIN_PASSWORD', 'ADMIN_PASSWORD_FILE'];

/**
 * Loads and validates the configuration; on a bad value, prints one line per problem (naming
 * the variable and the rule, never a secret's value) and exits, so start-up never runs
 * half-configured.
 */
export function loadConfigOrExit(scope: ConfigScope = 'all'): AppConfig {
  try {
    const config = AppConfig.load(process.env, scope);
    // what this process has no use for does not stay in its environment either (child processes, dumps)
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- process.env is Node's own dynamic record; deleting in place is the only way to drop a variable
    if (scope === 'gateway') for (const name of GATEWAY_WITHHELD) delete process.env[name];
    return config;
  } catch (error) {
    if (error instanceof ConfigurationError) {
      for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
