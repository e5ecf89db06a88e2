// Writes docs/cli.md from the CLI's own definitions (src/cli/program.ts); `npm run docs:cli`.
// src/cli/docs.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { commands } from '../src/cli/command-list';
import { renderCliDocs } from '../src/cli/program';

writeFileSync(new URL('../docs/cli.md', import.meta.url), renderCliDocs(commands));
