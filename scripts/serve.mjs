// Serves the built static site (dist/) on 127.0.0.1 and prints its URL. No dependencies: the
// site is plain files, so any static host works the same way.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ckpt': 'application/octet-stream',
  '.safetensors': 'application/octet-stream',
};

export function startServer(port = Number(process.env.PORT ?? 4173), siteDir = 'dist') {
  const root = path.resolve(siteDir);
  if (!existsSync(path.join(root, 'index.html'))) {
    return Promise.reject(new Error(`No built site in ${root}. Run "npm run build" first.`));
  }
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      let file = path.join(root, decodeURIComponent(url.pathname));
      if (!file.startsWith(root)) {
        response.writeHead(403).end();
        return;
      }
      if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
      if (!existsSync(file)) {
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, {
        'content-type': types[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
      });
      createReadStream(file).pipe(response);
    });
    server.on('error', (error) => {
      if (error.code === 'EADDRINUSE' && port < 65000) resolve(startServer(port + 1, siteDir));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${port}/` }));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startServer(undefined, process.argv[2] ?? 'dist');
  console.log(`Ckpt Lens is running at ${url}  (Ctrl+C to stop)`);
}
