// `mia audit` without --json on the demo kit's diffusion member suspect set, through the built command line (run
// `npm run build` first): the set-level run's line gives its p-values, effect size, set sizes and decision, not "n/a".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const config = path.join(demoDir, 'diffusion', 'set-inference-members.yaml');

describe('mia audit text output for a set-level run', () => {
  it.skipIf(!fs.existsSync(config))(
    'prints the p-value and effect size of the member suspect set',
    () => {
      const workspace = path.join(makeTempDir(), 'text.sqlite');
      const result = spawnSync(
        process.execPath,
        [path.join(repoRoot, 'bin', 'mia.js'), 'audit', '--config', config, '--workspace', workspace],
        {
          encoding: 'utf8',
          env: { ...process.env, MIA_WORKSPACE: '' },
        },
      );
      expect(result.status, result.stderr).toBe(0);
      const line = result.stdout.split('\n').find((text) => text.includes('set-inference'));
      expect(line).toMatch(
        /finished\s+p \S+ \(Mann–Whitney\)\s+Welch p \S+\s+effect 0\.\d{3}\s+30 suspects vs 100 references\s+suspects scored as members/,
      );
      expect(line).not.toContain('n/a');
      expect(line).not.toContain('AUC');
    },
    120_000,
  );
});
