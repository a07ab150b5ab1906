import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { securityHeaders } from '../../security-headers.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.wasm': 'application/wasm',
  '.md': 'text/markdown; charset=utf-8',
};

/**
 * A static server whose folder can be swapped while it runs: the update tests "deploy" a new
 * build by pointing it at another build folder. Sends the same headers as `vite preview`.
 */
export interface SwitchableServer {
  origin: string;
  serve(root: string): void;
  close(): Promise<void>;
}

export async function startStaticServer(root: string): Promise<SwitchableServer> {
  let current = root;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const path = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
      const file = await resolveFile(current, path);
      if (!file) {
        response
          .writeHead(404, { ...securityHeaders, 'Content-Type': 'text/plain' })
          .end('Not found');
        return;
      }
      const body = await readFile(file);
      response
        .writeHead(200, {
          ...securityHeaders,
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': 'no-cache',
        })
        .end(body);
    })().catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    serve: (next) => (current = next),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function resolveFile(root: string, path: string): Promise<string | null> {
  const safe = normalize(path).replace(/^(\.\.[/\\])+/, '');
  const candidates = [join(root, safe), join(root, safe, 'index.html'), join(root, `${safe}.html`)];
  for (const candidate of candidates) {
    if (!candidate.startsWith(root)) continue;
    const info = await stat(candidate).catch(() => null);
    if (info?.isFile()) return candidate;
  }
  return null;
}
