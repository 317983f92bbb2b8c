import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { en } from '../../apps/console/src/locales/en';
import { zh } from '../../apps/console/src/locales/zh';

const SRC = join(__dirname, '..', '..', 'apps', 'console', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.tsx?$/.test(name) ? [path] : [];
  });
}

function lookup(resources: object, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), resources);
}

function leaves(node: object, prefix = ''): string[] {
  return Object.entries(node).flatMap(([key, value]) => (typeof value === 'string' ? [`${prefix}${key}`] : leaves(value as object, `${prefix}${key}.`)));
}

/** Every string the console shows is translated: each key the code names exists in English and Chinese. */
describe('console translations', () => {
  const source = files(SRC)
    .map((path) => readFileSync(path, 'utf8'))
    .join('\n');
  // t('a.b'), t("a.b"), and the navigation's label: 'nav.x' entries
  const literal = [...source.matchAll(/\bt\(\s*['"]([a-zA-Z0-9_.]+)['"]/g), ...source.matchAll(/label: '((?:nav)\.[a-zA-Z]+)'/g)].map((m) => m[1]);
  // t(`roles.${...}`): the prefix must be a group of strings
  const prefixes = [...source.matchAll(/\bt\(\s*`([a-zA-Z0-9_.]+)\.\$\{/g)].map((m) => m[1]);

  it('finds the keys (sanity check of the scan)', () => {
    expect(literal.length).toBeGreaterThan(150);
    expect(prefixes).toEqual(expect.arrayContaining(['roles', 'ranges', 'dimensions', 'periods']));
  });

  it.each([
    ['en', en],
    ['zh-CN', zh],
  ])('%s has every key the code uses', (_, resources) => {
    expect([...new Set(literal)].filter((key) => typeof lookup(resources, key) !== 'string')).toEqual([]);
    expect([...new Set(prefixes)].filter((prefix) => typeof lookup(resources, prefix) !== 'object')).toEqual([]);
  });

  it('has the same keys in both languages, and Chinese where English has words', () => {
    expect(leaves(zh).sort()).toEqual(leaves(en).sort());
    const untranslated = leaves(en).filter((key) => {
      const english = lookup(en, key) as string;
      return (
        /[a-z]{3,}/i.test(
          english.replace(/\{\{\w+\}\}|https?:\S+|Token|API|SDK|CSV|Excel|WPS|ADMIN_\w+|OpenAI|Python|Tollgate|AccessKey|ID|AK|SK|OK|model/g, ''),
        ) && lookup(zh, key) === english
      );
    });
    expect(untranslated).toEqual([]);
  });
});
