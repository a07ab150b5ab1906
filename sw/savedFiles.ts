import { readFile, savedNameFromPath } from '../src/app/work/fileStore';

/** Serves a saved image from OPFS at its own URL: works offline and in a new tab. */
export async function serveSavedFile(url: URL, request: Request): Promise<Response> {
  const name = savedNameFromPath(url.pathname);
  const file = name ? await readFile('saved', name) : null;
  if (!file)
    return new Response('No saved file by that name.', { status: 404, headers: textHeaders() });
  const headers = new Headers({
    'Content-Type': file.type || 'image/jpeg',
    'Content-Length': String(file.size),
    'Cache-Control': 'no-store',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'",
  });
  if (url.searchParams.has('download')) {
    headers.set(
      'Content-Disposition',
      `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    );
  }
  return new Response(request.method === 'HEAD' ? null : file, { status: 200, headers });
}

function textHeaders(): HeadersInit {
  return { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' };
}
