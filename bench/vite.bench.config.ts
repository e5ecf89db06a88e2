import path from 'node:path';
import { defineConfig } from 'vite';

/** The benchmark page: our real modules in a real worker, built like the app. */
export default defineConfig({
  root: path.resolve(import.meta.dirname, 'page'),
  base: './',
  logLevel: 'warn',
  worker: { format: 'es' },
  build: { outDir: path.resolve(import.meta.dirname, 'out/site'), emptyOutDir: true, target: 'es2022' },
});
