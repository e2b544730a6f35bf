// Launch options for Debian's Chromium (never a downloaded browser): $MIA_CHROMIUM or the chromium on PATH.
import { execFileSync } from 'node:child_process';

function findChromium(): string {
  if (process.env.MIA_CHROMIUM) return process.env.MIA_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error("Chromium was not found. Install Debian's chromium package (apt-get install chromium) or set MIA_CHROMIUM.");
}

export function chromiumLaunchOptions() {
  return {
    executablePath: findChromium(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  };
}
