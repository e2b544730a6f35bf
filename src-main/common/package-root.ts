// The workbench's own folder (the one with package.json and resources/), found from wherever the code runs:
// the sources under vitest, the bundles in out/main, or the CLI's bin/ shim.
import fs from 'node:fs';
import path from 'node:path';

const packageName = 'mia-workbench';

export function packageRoot(start: string = __dirname): string {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === packageName) return dir;
      } catch {
        // an unreadable package.json of some other package: keep walking up
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`The ${packageName} package folder was not found above ${start}.`);
  }
}

/** A file or folder under the package's resources/. */
export function resourcePath(...parts: string[]): string {
  return path.join(packageRoot(), 'resources', ...parts);
}
