import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The benchmark page: our real modules in a real worker, built like the app. BENCH_NO_MINIFY=1
 * keeps function names and lines readable in `npm run bench:profile` output.
 */
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'page'),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: {
    outDir: path.resolve(import.meta.dirname, 'out/site'),
    emptyOutDir: true,
    target: 'es2022',
    minify: !process.env.BENCH_NO_MINIFY,
  },
});
