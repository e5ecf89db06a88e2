// npm run bench:profile -- <operation> [file…] — a CPU profile of one bench operation inside the
// bench worker, in real Chromium, to see where a pipeline's time goes before changing it.
// Needs a built bench site and its inputs: run `npm run bench` (or a BENCH_ONLY section) first.
//   operation  a BenchWorkerApi method (bench/page/bench.worker.ts), e.g. crcVerify, exportCast
//   file…      the input files; a directory picks its files recursively (the merge set: mergeExport)
// Options as JSON in BENCH_PROFILE_OPTIONS; BENCH_PROFILE_RUNS=N profiles N runs in a row (for
// short operations). Writes bench/out/<operation>.cpuprofile (open it in Chromium DevTools →
// Performance) and prints the functions with the most self time.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type CDPSession } from 'playwright-core';
import { chromiumCpuMs } from './chromium-usage';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function filesOf(target: string): string[] {
  if (!statSync(target).isDirectory()) return [target];
  return readdirSync(target, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Self time per function, most first. */
function topFunctions(profile: Profile, count: number): string[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const where = frame.url ? `${frame.url.split('/').pop() ?? ''}:${frame.lineNumber + 1}` : '';
    const key = `${frame.functionName || '(anonymous)'} ${where}`.trim();
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((sum, value) => sum + value, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([key, micros]) =>
        `${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`,
    );
}

/** Sends a CDP command to the bench worker through the page's session (non-flattened targets). */
function workerChannel(session: CDPSession, sessionId: string) {
  let nextId = 1;
  const pending = new Map<number, (result: unknown) => void>();
  session.on('Target.receivedMessageFromTarget', (event: { sessionId: string; message: string }) => {
    if (event.sessionId !== sessionId) return;
    const message = JSON.parse(event.message) as { id?: number; result?: unknown; error?: unknown };
    if (message.id !== undefined)
      pending.get(message.id)?.(message.error ? Promise.reject(message.error) : message.result);
  });
  return (method: string, params: Record<string, unknown> = {}): Promise<unknown> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) });
    });
}

async function main(): Promise<void> {
  const [operation, ...targets] = process.argv.slice(2);
  if (!operation || targets.length === 0) {
    console.error('usage: npm run bench:profile -- <operation> <file or directory>…');
    process.exit(2);
  }
  const files = targets.flatMap(filesOf);
  const options = JSON.parse(process.env.BENCH_PROFILE_OPTIONS ?? '{}') as Record<string, unknown>;
  const runs = Math.max(1, Number(process.env.BENCH_PROFILE_RUNS ?? 1));
  // @ts-expect-error -- plain .mjs module shared with `npm start`
  const { startServer } = (await import('../scripts/serve.mjs')) as {
    startServer: (port: number, dir: string) => Promise<{ server: Server; url: string }>;
  };
  const { server, url } = await startServer(4381, 'bench/out/site');
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'ckpt-lens-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const session = await context.newCDPSession(page);
    const attached = new Promise<string>((resolve) =>
      session.on('Target.attachedToTarget', (event: { sessionId: string; targetInfo: { type: string } }) => {
        if (event.targetInfo.type === 'worker') resolve(event.sessionId);
      }),
    );
    await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    await page.goto(url);
    const send = workerChannel(session, await attached);
    const input = files.length > 1 ? '#merge-files' : '#files';
    await page.locator(input).setInputFiles(files);
    const run = (): Promise<unknown> =>
      page.evaluate(
        ([name, many, opts]) => {
          const bench = (window as unknown as { bench: Record<string, (...args: unknown[]) => Promise<unknown>> })
            .bench;
          return many ? bench.runSet?.(name, opts) : bench.run?.(name, 0, opts);
        },
        [operation, files.length > 1, options] as const,
      );
    await run(); // warm: tiered-up code and pages in cache, as the bench's median runs are
    await send('Profiler.enable');
    await send('Profiler.setSamplingInterval', { interval: 200 });
    await send('Profiler.start');
    const cpuBefore = chromiumCpuMs(profileDir);
    const started = performance.now();
    let result = await run();
    for (let i = 1; i < runs; i += 1) result = await run();
    const elapsed = performance.now() - started;
    const cpuSeconds = (chromiumCpuMs(profileDir) - cpuBefore) / 1000;
    const { profile } = (await send('Profiler.stop')) as { profile: Profile };
    const out = path.join('bench/out', `${operation}.cpuprofile`);
    writeFileSync(out, JSON.stringify(profile));
    console.log(
      `${operation}: ${elapsed.toFixed(0)} ms for ${runs} run(s), ${cpuSeconds.toFixed(1)} CPU-s in all Chromium processes`,
    );
    console.log(`result ${JSON.stringify(result)}`);
    console.log(`bench worker self time (${out}):`);
    for (const line of topFunctions(profile, 30)) console.log(line);
  } finally {
    await context.close();
    server.close();
  }
}

await main();
