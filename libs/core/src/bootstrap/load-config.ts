import { AppConfig } from '../config/app-config';
import { ConfigurationError } from '../config/environment';

/**
 * Loads and validates the configuration; on a bad value, prints one line per problem (naming
 * the variable) and exits, so start-up never runs half-configured.
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return AppConfig.load();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
      process.exit(1);
    }
    throw error;
  }
}
