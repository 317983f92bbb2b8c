import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { AppConfig } from '@app/core';
import { adapterFor, PROVIDER_KINDS, providerKind, providerKinds, SECRET_OPTIONS, urlOptionNames } from './provider-registry';

const ROOT = join(__dirname, '..', '..', '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'migrations' ? [] : sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('provider kinds: one folder each, one registry', () => {
  it('lists every kind with its adapter (when proxied), poller and option specs', () => {
    expect([...PROVIDER_KINDS].sort()).toEqual(
      providerKinds()
        .map((definition) => definition.kind)
        .sort(),
    );
    for (const definition of providerKinds()) {
      expect(typeof definition.poller.poll).toBe('function');
      expect(definition.options.balanceAlertBelow).toEqual({ type: 'decimal' });
      if (definition.adapter) expect(adapterFor(definition.kind)).toBe(definition.adapter);
    }
    expect(() => providerKind('nope')).toThrow(/unknown provider kind nope/);
    expect(urlOptionNames('huawei-maas').sort()).toEqual(['iamEndpoint', 'modelartsEndpoint']);
    expect(urlOptionNames('dashscope')).toEqual(['bssEndpoint']);
    expect([...SECRET_OPTIONS]).toEqual(expect.arrayContaining(['accessKey', 'accessKeyId', 'accessKeySecret', 'secretKey']));
  });

  it('creates providers at first run from each kind’s own environment variables', () => {
    const config = AppConfig.load({
      NODE_ENV: 'test',
      DATA_DIR: '/nonexistent',
      SECRET_KEY: 'x'.repeat(32),
      JWT_SECRET: 'y'.repeat(32),
      DASHSCOPE_API_KEY: 'sk-ds',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI',
      HW_ACCESS_KEY: 'AK',
    });
    const seeds = Object.fromEntries(providerKinds().map((definition) => [definition.kind, definition.bootstrap?.(config)]));
    expect(seeds.dashscope).toEqual({
      baseUrl: 'https://dashscope.aliyuncs.com',
      apiKey: 'sk-ds',
      options: { accessKeyId: 'LTAI' },
      fromVariable: 'DASHSCOPE_API_KEY',
    });
    expect(seeds['huawei-maas']).toBeUndefined(); // no HUAWEI_MAAS_API_KEY
    expect(seeds.openai).toBeUndefined();
  });

  it('keeps kind knowledge inside libs/providers: no kind name or switch on a kind anywhere else', () => {
    const kindLiteral = new RegExp(`['"\`](${PROVIDER_KINDS.map((kind) => kind.replace(/-/g, '\\-')).join('|')})['"\`]`);
    const switchOnKind = /switch\s*\(\s*(provider|row|target)[\w.]*\.kind\s*\)|(provider|row|target)\.kind\s*[!=]==/;
    const offenders = ['apps', 'libs/core/src', 'libs/usage/src']
      .flatMap((dir) => sources(join(ROOT, dir)))
      .filter((path) => {
        const text = readFileSync(path, 'utf8');
        return kindLiteral.test(text) || switchOnKind.test(text);
      })
      .map((path) => relative(ROOT, path));
    expect(offenders).toEqual([]);
  });
});
