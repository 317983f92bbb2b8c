import { createRootLogger, SECRET_FIELDS } from '@app/core';
import { SECRET_FIELD_NAMES, SECRET_OPTIONS } from '@app/providers';
import { withoutSecrets } from './audit.service';

/** The one secret-field list: what the logs redact is what the audit log strips, provider options included. */
describe('secret fields: one list for logs and the audit log', () => {
  const providerSecrets = ['accessKeySecret', 'secretKey', 'accessToken', 'refreshToken'];

  function logLine(fields: object): Record<string, unknown> {
    let line = '';
    const logger = createRootLogger('debug', 'test', SECRET_FIELD_NAMES, { write: (chunk: string) => void (line += chunk) });
    logger.info(fields, 'line');
    return JSON.parse(line) as Record<string, unknown>;
  }

  it('extends the core list with every credential option a provider kind declares', () => {
    for (const name of [...SECRET_FIELDS, ...SECRET_OPTIONS, ...providerSecrets]) expect(SECRET_FIELD_NAMES).toContain(name);
  });

  it.each(providerSecrets)('redacts provider option %s in log lines, at the root and nested', (name) => {
    const line = logLine({
      [name]: 'top-secret-1',
      provider: { options: { [name]: 'top-secret-2' } },
      account: { id: 'a1', credentials: { [name]: 'top-secret-3' } },
    });
    const text = JSON.stringify(line);
    expect(text).not.toContain('top-secret');
    expect(line[name]).toBe('[redacted]');
    expect(line.provider).toEqual({ options: { [name]: '[redacted]' } });
    expect((line.account as Record<string, unknown>).id).toBe('a1');
  });

  it.each(providerSecrets)('strips provider option %s from audit entries, at any depth', (name) => {
    const entry = withoutSecrets({
      id: 'p1',
      [name]: 'top-secret-1',
      options: { region: 'cn', [name]: 'top-secret-2' },
      accounts: [{ name: 'a', [name.toUpperCase()]: 'top-secret-3' }],
    });
    expect(JSON.stringify(entry)).not.toContain('top-secret');
    expect(entry).toEqual({ id: 'p1', options: { region: 'cn' }, accounts: [{ name: 'a' }] });
  });

  it('redacts the authorization header and API-key headers of a request in logs', () => {
    const line = logLine({
      req: { method: 'POST', headers: { authorization: 'Bearer sk-live-1', 'x-api-key': 'sk-live-2', 'content-type': 'application/json' } },
    });
    expect(JSON.stringify(line)).not.toContain('sk-live');
    expect((line.req as { headers: Record<string, string> }).headers).toEqual({
      authorization: '[redacted]',
      'x-api-key': '[redacted]',
      'content-type': 'application/json',
    });
  });
});
