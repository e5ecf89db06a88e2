import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { commands } from './command-list';
import { renderCliDocs } from './program';

describe('docs/cli.md', () => {
  it('is what `npm run docs:cli` generates from the command definitions (run it after changing an option)', () => {
    const committed = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    expect(committed).toBe(renderCliDocs(commands));
  });
});
