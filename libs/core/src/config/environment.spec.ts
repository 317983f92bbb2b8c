import { ConfigurationError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      validateEnvironment(env);
      return [];
    } catch (error) {
      return (error as ConfigurationError).problems;
    }
  };

  it('accepts an empty environment (every default applies)', () => {
    expect(problemsOf({})).toEqual([]);
  });

  it('names each bad variable on one line with what was given', () => {
    const problems = problemsOf({ ADMIN_PORT: 'abc', APP_TIMEZONE: 'Mars/Olympus', DATABASE_URL: 'mysql://x' });
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^ADMIN_PORT: .*integer.* \(got "abc"\)$/);
    expect(problems.some((line) => line.startsWith('APP_TIMEZONE: not an IANA time zone'))).toBe(true);
    expect(problems.some((line) => line.startsWith('DATABASE_URL: must start with postgres://'))).toBe(true);
  });

  it('requires real secrets in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' }).map((line) => line.split(':')[0])).toEqual(['JWT_SECRET', 'SECRET_KEY']);
  });

  it('wants ADMIN_EMAIL and ADMIN_PASSWORD together', () => {
    expect(problemsOf({ ADMIN_EMAIL: 'a@b.c' })).toEqual(['ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither']);
  });
});
