// `mia audit --json`'s run headline carries `metrics.set_inference` when the run stored set-inference rows (read back
// from SQLite, power curve included) and leaves it out for every other run.
import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setInference } from '../../../src-main/engine/metrics/set-inference';
import { SeededRandom } from '../../../src-main/engine/random/seeded-random';
import { runHeadline } from '../../../src-main/services/run-headline';
import { openWorkspace } from '../../../src-main/workspace/open-workspace';
import { createRun, finishRun, getRun } from '../../../src-main/workspace/runs-repo';
import { setInferenceRows } from '../../../src-shared/domain/set-inference';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();

function seed(db: Database.Database): { modelId: number; datasetId: number } {
  const now = new Date().toISOString();
  const datasetId = Number(
    db
      .prepare(
        "INSERT INTO datasets (name, source_kind, source_path, root_path, status, created_at) VALUES ('d', 'manifest-csv', 'm.csv', '.', 'ready', ?)",
      )
      .run(now).lastInsertRowid,
  );
  const modelId = Number(
    db
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('m', 'diffusion', 'target', '{}', 'h', '{}', '{}', ?)",
      )
      .run(now).lastInsertRowid,
  );
  return { modelId, datasetId };
}

describe('run headline: set inference', () => {
  it('prints the stored p-value, effect size and power table, and nothing for an ordinary run', () => {
    const db = openWorkspace(path.join(dir, 'headline.sqlite'));
    const { modelId, datasetId } = seed(db);
    const newRun = {
      family: 'diffusion' as const,
      targetModelId: modelId,
      datasetId,
      config: { seed: 1 },
      engineVersion: 't',
      modelHash: 'h',
      dataHash: 'd',
    };
    const random = new SeededRandom('headline');
    const result = setInference({
      suspects: Float64Array.from({ length: 40 }, () => random.normal() + 1),
      references: Float64Array.from({ length: 60 }, () => random.normal()),
      random,
      alpha: 0.01,
      draws: 20,
      sizes: [5, 10, 20],
    });
    const setRun = createRun(db, { ...newRun, attack: 'set-inference' });
    finishRun(db, setRun, { metrics: setInferenceRows(result), checks: [], timings: {}, modelCalls: 0 });
    const plainRun = createRun(db, { ...newRun, attack: 'pia' });
    finishRun(db, plainRun, {
      metrics: [{ name: 'auc', slice: '', value: 0.9, ciLow: 0.8, ciHigh: 0.95, note: null }],
      checks: [],
      timings: {},
      modelCalls: 0,
    });

    const printed = runHeadline(db, getRun(db, setRun)).metrics.set_inference!;
    expect(printed).toMatchObject({
      p_value: result.pValue,
      effect_size: result.commonLanguage,
      suspects: 40,
      references: 60,
      alpha: 0.01,
    });
    expect(printed.power.map((p) => p.size)).toEqual([5, 10, 20]);
    expect(printed.p_value).toBeLessThan(0.01);
    expect(JSON.parse(JSON.stringify(printed))).toEqual(printed);
    expect('set_inference' in runHeadline(db, getRun(db, plainRun)).metrics).toBe(false);
    db.close();
  });
});
