import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fieldListsMarkdown } from './responses-field-lists';

describe('the published Responses field lists', () => {
  it('are in the README exactly as the translation applies them', () => {
    const readme = readFileSync(join(__dirname, '..', '..', '..', '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(fieldListsMarkdown());
  });
});
