// Where the benches find the repository and the demo kit: resolved from the bundled script's own location
// (out/bench/*.mjs → two folders up), never from the current directory; MIA_DEMO_DIR points at another kit.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const demoDir = process.env.MIA_DEMO_DIR ? path.resolve(process.env.MIA_DEMO_DIR) : path.join(repoRoot, 'resources', 'demo');

export const kitFolder = (family: 'classifier' | 'clip' | 'diffusion' | 'latent-diffusion'): string => path.join(demoDir, family);
