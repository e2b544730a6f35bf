// The demo kit's suspect sets (tools/demo-kit/suspect_sets.py): each imports with its `suspect` and
// `nonmember-reference` roles into a real workspace, reuses the demo's own records, keeps the references apart from
// the suspects, and, scored by the demo's base attack (the committed reference scores of CSA and ReDiffuse),
// the member set is detected at p < 0.01 and the non-member set is not.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { setInference } from '../../src-main/engine/metrics/set-inference';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import { importDataset } from '../../src-main/services/dataset-import';
import { openWorkspace } from '../../src-main/workspace/open-workspace';
import { listRecordsForAttack, type AttackRecord } from '../../src-main/workspace/records-repo';
import { clipKit, diffusionKit } from '../helpers/demo-kit';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir();
const db = openWorkspace(path.join(dir, 'workspace.sqlite'));
afterAll(() => db.close());

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/** Base-attack scores by record id from the kit's goldens: CSA for CLIP, ReDiffuse for diffusion. */
function baseScores(kit: 'clip' | 'diffusion'): Map<string, number> {
  if (kit === 'clip') {
    const golden = readJson<{ csa_by_id: Record<string, number> }>(path.join(clipKit, 'goldens', 'scores.json'));
    return new Map(Object.entries(golden.csa_by_id));
  }
  const golden = readJson<{ ids: string[]; scores: { rediffuse: number[] } }>(path.join(diffusionKit, 'goldens', 'scores.json'));
  return new Map(golden.ids.map((id, i) => [id, golden.scores.rediffuse[i]!]));
}

async function importRecords(manifest: string): Promise<AttackRecord[]> {
  const { dataset } = await importDataset(db, { kind: 'manifest-csv', path: manifest, name: path.basename(manifest) });
  return listRecordsForAttack(db, dataset.id);
}

const kits = [
  { kit: 'clip' as const, folder: clipKit },
  { kit: 'diffusion' as const, folder: diffusionKit },
];

describe.each(kits)('$kit demo suspect sets', ({ kit, folder }) => {
  test.skipIf(!fs.existsSync(path.join(folder, 'manifest-suspects-members.csv')))(
    'import with their roles, reuse the demo records, and only the member set is detected',
    async () => {
      const demo = new Map((await importRecords(path.join(folder, 'manifest.csv'))).map((r) => [r.key, r]));
      const scores = baseScores(kit);
      const referenceKeys: string[][] = [];
      const pValues: Record<string, number> = {};
      for (const which of ['members', 'nonmembers'] as const) {
        const records = await importRecords(path.join(folder, `manifest-suspects-${which}.csv`));
        const suspects = records.filter((r) => r.role === 'suspect');
        const references = records.filter((r) => r.role === 'nonmember-reference');
        expect(suspects.length + references.length).toBe(records.length);
        expect(suspects).toHaveLength(30);
        expect(references).toHaveLength(100);
        for (const record of records) {
          const original = demo.get(record.key);
          expect(original, record.key).toBeDefined();
          expect({ sha256: record.sha256, caption: record.caption, label: record.label, member: record.member }).toEqual({
            sha256: original!.sha256,
            caption: original!.caption,
            label: original!.label,
            member: original!.member,
          });
        }
        expect(suspects.every((r) => r.member === (which === 'members' ? 1 : 0))).toBe(true);
        expect(references.every((r) => r.member === 0)).toBe(true);
        const suspectKeys = new Set(suspects.map((r) => r.key));
        expect(references.some((r) => suspectKeys.has(r.key))).toBe(false);
        referenceKeys.push(references.map((r) => r.key).sort());
        const result = setInference({
          suspects: Float64Array.from(suspects, (r) => scores.get(r.key)!),
          references: Float64Array.from(references, (r) => scores.get(r.key)!),
          random: new SeededRandom(1),
          alpha: 0.01,
          draws: 100,
        });
        pValues[which] = result.pValue;
      }
      expect(referenceKeys[0]).toEqual(referenceKeys[1]); // both sets are judged against the same references
      expect(pValues.members).toBeLessThan(0.01);
      expect(pValues.nonmembers).toBeGreaterThanOrEqual(0.01);
    },
  );
});
