import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs module shared with `npm start` and the e2e setup
import { startServer } from './serve.mjs';

const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'";
const INDEX = `<!doctype html><html><head>\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />\n</head><body>lens</body></html>`;

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

let base: string;
let server: Server;
let port: number;

/** One request with the path exactly as given (no client-side normalisation). */
function send(rawPath: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'lens-serve-'));
  const site = path.join(base, 'dist');
  mkdirSync(path.join(site, 'assets'), { recursive: true });
  mkdirSync(path.join(site, 'docs'), { recursive: true });
  writeFileSync(path.join(site, 'index.html'), INDEX);
  writeFileSync(path.join(site, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(site, 'docs', 'index.html'), 'docs');
  // A sibling folder whose name starts with the site folder's: the prefix check must need a separator.
  mkdirSync(path.join(base, 'dist_leak'));
  writeFileSync(path.join(base, 'dist_leak', 'secret.txt'), 'secret');
  writeFileSync(path.join(base, 'outside.txt'), 'outside');
  symlinkSync(path.join(base, 'outside.txt'), path.join(site, 'escape.txt'));
  symlinkSync(path.join(base, 'dist_leak'), path.join(site, 'leakdir'));
  symlinkSync(path.join(site, 'assets', 'app.js'), path.join(site, 'alias.js'));
  const started = (await startServer(0, site)) as { server: Server; url: string };
  server = started.server;
  port = Number(new URL(started.url).port);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(base, { recursive: true, force: true });
});

describe('local server (scripts/serve.mjs)', () => {
  it('serves the site on 127.0.0.1 only, with the page CSP plus frame-ancestors, nosniff and a content type', async () => {
    const address = server.address();
    expect(typeof address === 'object' && address?.address).toBe('127.0.0.1');
    const index = await send('/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('lens');
    expect(index.headers['content-security-policy']).toBe(`${CSP}; frame-ancestors 'none'`);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    const script = await send('/assets/app.js?v=1');
    expect([script.status, script.body, script.headers['content-type']]).toEqual([
      200,
      'console.log(1)',
      'text/javascript; charset=utf-8',
    ]);
    expect((await send('/docs/')).body).toBe('docs');
    // A symlink that stays inside the site is followed.
    expect((await send('/alias.js')).body).toBe('console.log(1)');
  });

  it('malformed percent-encoding (/%E0%A4%A) answers 400 and the server keeps serving', async () => {
    const bad = await send('/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(bad.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(bad.headers['x-content-type-options']).toBe('nosniff');
    expect((await send('/%')).status).toBe(400);
    expect((await send('/')).status).toBe(200);
  });

  it('path traversal into a sibling folder with an encoded slash (/..%2fdist_leak/secret.txt) is refused', async () => {
    for (const attack of [
      '/..%2fdist_leak/secret.txt',
      '/..%2Fdist_leak%2Fsecret.txt',
      '/..%5cdist_leak%5csecret.txt',
    ]) {
      const reply = await send(attack);
      expect(reply.status, attack).toBe(400);
      expect(reply.body, attack).not.toContain('secret');
    }
  });

  it('path traversal with dot segments, plain or encoded, never leaves the site folder', async () => {
    for (const attack of [
      '/../dist_leak/secret.txt',
      '/%2e%2e/dist_leak/secret.txt',
      '/.%2e/.%2e/dist_leak/secret.txt',
      '/assets/../../outside.txt',
      '/../../../../../../etc/passwd',
    ]) {
      const reply = await send(attack);
      expect(reply.status, attack).toBe(404);
      expect(reply.body, attack).not.toMatch(/secret|outside|root:/);
    }
  });

  it('a backslash path (/..\\outside.txt) and a NUL byte (/index.html%00.js) are refused', async () => {
    expect((await send('/..%5Coutside.txt')).status).toBe(400);
    expect((await send('/index.html%00.js')).status).toBe(400);
    expect((await send('/%00')).status).toBe(400);
  });

  it('symlinks out of the site folder (a file or a folder) are not followed', async () => {
    for (const attack of ['/escape.txt', '/leakdir/secret.txt']) {
      const reply = await send(attack);
      expect(reply.status, attack).toBe(404);
      expect(reply.body, attack).not.toMatch(/secret|outside/);
    }
  });

  it('only GET and HEAD: other methods answer 405 with Allow; HEAD sends headers without a body', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const reply = await send('/', method);
      expect(reply.status, method).toBe(405);
      expect(reply.headers.allow, method).toBe('GET, HEAD');
      expect(reply.headers['content-security-policy'], method).toContain("frame-ancestors 'none'");
    }
    const head = await send('/assets/app.js', 'HEAD');
    expect([head.status, head.body, head.headers['content-length']]).toEqual([200, '', '14']);
  });

  it('missing files answer 404 with the security headers', async () => {
    const missing = await send('/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses to start without a built site', async () => {
    await expect(startServer(0, path.join(base, 'no-such-site'))).rejects.toThrow(/npm run build/);
  });
});
