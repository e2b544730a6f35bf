// `mia audit --json` on the demo kit's set-inference configs, through the built command line as a user runs it
// (run `npm run build` first): each run prints `metrics.set_inference`, the member suspect sets are detected at
// p < 0.01 and the non-member ones are not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { demoDir } from '../helpers/demo-kit';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir();

const AuditJson = z.object({
  runs: z
    .array(
      z.object({
        attack: z.literal('set-inference'),
        status: z.literal('finished'),
        params: z.object({ base: z.string() }),
        metrics: z.object({
          auc: z.null(),
          set_inference: z.object({
            p_value: z.number().min(0).max(1),
            suspects: z.literal(30),
            references: z.literal(100),
            power: z.array(z.object({ size: z.number(), power: z.number() })).min(1),
          }),
        }),
      }),
    )
    .length(1),
});

function audit(config: string) {
  const workspace = path.join(dir, `${config.replace(/\W/g, '-')}.sqlite`);
  const result = spawnSync(
    process.execPath,
    [path.join(repoRoot, 'bin', 'mia.js'), 'audit', '--config', path.join(demoDir, config), '--workspace', workspace, '--json'],
    { encoding: 'utf8', env: { ...process.env, MIA_WORKSPACE: '' }, maxBuffer: 16 * 1024 * 1024 },
  );
  expect(result.status, result.stderr).toBe(0);
  return AuditJson.parse(JSON.parse(result.stdout)).runs[0]!;
}

const cases = [
  { config: 'diffusion/set-inference-members.yaml', base: 'pia', detected: true },
  { config: 'diffusion/set-inference-nonmembers.yaml', base: 'pia', detected: false },
  { config: 'clip/set-inference-members.yaml', base: 'csa', detected: true },
  { config: 'clip/set-inference-nonmembers.yaml', base: 'csa', detected: false },
];

describe.each(cases)('mia audit --config $config', ({ config, base, detected }) => {
  it.skipIf(!fs.existsSync(path.join(demoDir, config)))(
    `prints metrics.set_inference (${detected ? 'p < 0.01' : 'p ≥ 0.01'})`,
    () => {
      const run = audit(config);
      expect(run.params.base).toBe(base);
      expect(run.metrics.set_inference.p_value < 0.01).toBe(detected);
    },
    120_000,
  );
});
