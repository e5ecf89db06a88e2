import type { TestProject } from 'vitest/node';
import type { Server } from 'node:http';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

/** Serve dist/ (built by `npm run build` before e2e) on loopback for the whole run. */
export default async function setup(project: TestProject) {
  // @ts-expect-error -- plain .mjs module shared with `npm start`
  const { startServer } = (await import('../scripts/serve.mjs')) as {
    startServer: (port?: number) => Promise<{ server: Server; url: string }>;
  };
  const { server, url } = await startServer(Number(process.env.E2E_PORT ?? 4310));
  project.provide('baseUrl', url);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
