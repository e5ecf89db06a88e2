// Serves the built static site (dist/) on 127.0.0.1 and prints its URL. No dependencies: the
// site is plain files, so any static host works the same way.
//
// Any web page the user visits can send requests to 127.0.0.1, so every request is hostile
// until checked: a malformed path gets 400 (never an uncaught exception), a path that would
// leave the site folder — by `..`, an encoded slash or backslash, a NUL byte or a symlink — gets
// 400/404, methods other than GET and HEAD get 405, and every response carries the page's CSP
// (plus frame-ancestors 'none') and nosniff.
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
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

/** The policy of the site's own `<meta http-equiv="Content-Security-Policy">`, if it has one. */
export function metaContentSecurityPolicy(html) {
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  return meta ? meta[1] : null;
}

/** The header: the page's own policy (as built by vite.config.ts), and no framing by any page. */
export function headerContentSecurityPolicy(html) {
  const policy = metaContentSecurityPolicy(html);
  return policy ? `${policy}; frame-ancestors 'none'` : "frame-ancestors 'none'";
}

/**
 * The file a request path names inside `root` (a real path), or an HTTP status for why not.
 * `rawPath` is the path as sent, before any decoding.
 */
export async function resolveRequestPath(root, rawPath) {
  // Encoded separators are never part of this site's URLs; decoded they could climb out.
  if (/%(2f|5c)/i.test(rawPath)) return 400;
  let url;
  try {
    url = new URL(rawPath, 'http://127.0.0.1');
  } catch {
    return 400;
  }
  let decoded;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return 400; // malformed percent-encoding such as /%E0%A4%A
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return 400;
  let file = path.resolve(root, `.${decoded}`);
  if (file !== root && !file.startsWith(root + path.sep)) return 404;
  try {
    // Symlinks are followed only if they end inside the site folder.
    file = await realpath(file);
    if (file !== root && !file.startsWith(root + path.sep)) return 404;
    let info = await stat(file);
    if (info.isDirectory()) {
      file = await realpath(path.join(file, 'index.html'));
      if (!file.startsWith(root + path.sep)) return 404;
      info = await stat(file);
    }
    return info.isFile() ? { file, size: info.size } : 404;
  } catch {
    return 404;
  }
}

export async function startServer(port = Number(process.env.PORT ?? 4173), siteDir = 'dist') {
  let root;
  let html;
  try {
    root = await realpath(path.resolve(siteDir));
    html = await readFile(path.join(root, 'index.html'), 'utf8');
  } catch {
    throw new Error(`No built site in ${path.resolve(siteDir)}. Run "npm run build" first.`);
  }
  const securityHeaders = {
    'content-security-policy': headerContentSecurityPolicy(html),
    'x-content-type-options': 'nosniff',
    'cross-origin-resource-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
  };
  const fail = (response, status, extra = {}) => {
    const text = { 400: 'bad request', 404: 'not found', 405: 'method not allowed', 500: 'server error' }[status];
    response.writeHead(status, { ...securityHeaders, 'content-type': 'text/plain; charset=utf-8', ...extra });
    response.end(text);
  };
  const handle = async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      fail(response, 405, { allow: 'GET, HEAD' });
      return;
    }
    const found = await resolveRequestPath(root, request.url ?? '/');
    if (typeof found === 'number') {
      fail(response, found);
      return;
    }
    response.writeHead(200, {
      ...securityHeaders,
      'content-type': types[path.extname(found.file)] ?? 'application/octet-stream',
      'content-length': String(found.size),
      'cache-control': 'no-cache',
    });
    if (request.method === 'HEAD') {
      response.end();
      return;
    }
    createReadStream(found.file)
      .on('error', () => response.destroy())
      .pipe(response);
  };
  return new Promise((resolve, reject) => {
    const server = createServer((request, response) => {
      handle(request, response).catch(() => {
        if (!response.headersSent) fail(response, 500);
        else response.destroy();
      });
    });
    server.on('error', (error) => {
      if (error.code === 'EADDRINUSE' && port !== 0 && port < 65000) resolve(startServer(port + 1, siteDir));
      else reject(error);
    });
    // Loopback only: the site is for this machine's browser.
    server.listen(port, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { url } = await startServer(undefined, process.argv[2] ?? 'dist');
  console.log(`Ckpt Lens is running at ${url}  (Ctrl+C to stop)`);
}
