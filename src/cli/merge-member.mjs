// Worker-thread entry for merge --max-process-num: registers tsx (the CLI runs from TypeScript
// sources), then runs the member. A worker does not reliably inherit the CLI's --import loader.
import { register } from 'tsx/esm/api';

register();
await import('./merge-member.ts');
