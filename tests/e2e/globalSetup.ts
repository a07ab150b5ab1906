import { execFileSync } from 'node:child_process';
import { CHROMIUM } from './fixtures';

export default function globalSetup(): void {
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).trim();
  console.log(`Browser under test: ${version} (${CHROMIUM})`);
}
