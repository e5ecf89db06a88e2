// Worker threads do not inherit the TypeScript loader, so register tsx here before loading the
// real worker (works the same under `tsx scripts/fuzz.ts` and under Vitest).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
