// What every script that drives Debian's Chromium shares: the binary, the flags this machine
// needs (no sandbox as root, no GPU, no background traffic to hosts it cannot reach), and a
// `vite preview` of the production build to point it at.
import { spawn } from 'node:child_process';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Starts `vite preview` on `port` and resolves once it answers; `stop()` ends it. */
export async function startPreview(port) {
  const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
    stdio: 'ignore',
    detached: true,
  });
  const origin = `http://localhost:${port}`;
  for (let i = 0; i < 150; i++) {
    if (
      await fetch(origin).then(
        (r) => r.ok,
        () => false,
      )
    ) {
      return { origin, stop: () => process.kill(-server.pid) };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  process.kill(-server.pid);
  throw new Error(`vite preview did not answer on port ${port}`);
}
