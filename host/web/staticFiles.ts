/**
 * Serving the built renderer: correct MIME types, SPA fallback to index.html, and no way out of the
 * renderer folder (decoded and normalised paths are checked against the root).
 */
import { createReadStream, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type Resolved = { kind: 'file'; path: string; size: number } | { kind: 'forbidden' } | { kind: 'missing' } | { kind: 'notBuilt' };

function fileSize(p: string): number | null {
  try {
    const st = statSync(p);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** Maps a request path to a file under root, or says why not. */
export function resolveStatic(root: string, urlPath: string): Resolved {
  const base = resolve(root);
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return { kind: 'forbidden' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'forbidden' };
  const target = resolve(base, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (target !== base && !target.startsWith(base + sep)) return { kind: 'forbidden' };
  const index = join(base, 'index.html');
  const indexSize = fileSize(index);
  const candidates = target === base ? [index] : [target, join(target, 'index.html')];
  for (const c of candidates) {
    const size = fileSize(c);
    if (size !== null) return { kind: 'file', path: c, size };
  }
  if (indexSize === null) return { kind: 'notBuilt' };
  // Client-side routes (/runs/abc) have no extension and get the app; a missing asset is a real 404.
  if (extname(decoded) === '') return { kind: 'file', path: index, size: indexSize };
  return { kind: 'missing' };
}

export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  const r = resolveStatic(root, req.url ?? '/');
  if (r.kind === 'forbidden') {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' }).end('forbidden\n');
    return;
  }
  if (r.kind === 'missing') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    return;
  }
  if (r.kind === 'notBuilt') {
    res
      .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(`The renderer is not built (no index.html in ${root}). Run \`npm run build\`; the API is still served on /ws.\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': mimeType(r.path),
    'Content-Length': String(r.size),
    // Vite fingerprints asset names; index.html must be revalidated to pick up a new build.
    'Cache-Control': r.path.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(r.path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
