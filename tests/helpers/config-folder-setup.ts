// Vitest setup: every test file gets its own empty user configuration folder ($MIA_CONFIG_DIR), so signing a
// backup or a report in a test creates a throwaway key there and never touches the real ~/.config. Child
// processes started by a test (the CLI, the engine host) inherit it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-config-'));
process.env.MIA_CONFIG_DIR = path.join(folder, 'config');
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));
