// A smaller copy of a record manifest for a quick demo: the first N rows of each (member, role) group, written with
// the images they name into a folder of its own, so members and non-members stay balanced and every path stays
// inside the new dataset folder as the importer requires.
import fs from 'node:fs';
import path from 'node:path';
import { csvRow } from '../common/csv-write';
import { MiaError } from '../common/errors';
import { parseCsv } from '../engine/data/csv';
import { manifestColumns } from '../engine/data/manifest';

/** Writes `outDir/manifest.csv` and `outDir/<image paths>`; returns the new manifest's path. */
export function sampleManifest(manifestFile: string, perGroup: number, outDir: string): string {
  const [header, ...rows] = parseCsv(fs.readFileSync(manifestFile, 'utf8').replace(/^\uFEFF/, ''), manifestFile);
  const column = (name: (typeof manifestColumns)[number]): number => {
    const index = header?.fields.indexOf(name) ?? -1;
    if (index < 0) throw new MiaError('dataset.bad-manifest', `The manifest ${manifestFile} has no "${name}" column to sample by.`);
    return index;
  };
  const [pathColumn, memberColumn, roleColumn] = [column('path'), column('member'), column('role')];
  const taken = new Map<string, number>();
  const kept = rows.filter((row) => {
    const group = `${row.fields[memberColumn]}/${row.fields[roleColumn]}`;
    const count = taken.get(group) ?? 0;
    taken.set(group, count + 1);
    return count < perGroup;
  });
  for (const row of kept) {
    const image = row.fields[pathColumn] ?? '';
    const target = path.join(outDir, image);
    // The importer checks the copy again; this keeps a manifest from making the demo write outside its folder.
    if (path.isAbsolute(image) || path.relative(outDir, target).startsWith('..')) {
      throw new MiaError('dataset.path-outside-root', `The manifest ${manifestFile} (line ${row.line}) names an image outside its folder.`);
    }
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.resolve(path.dirname(manifestFile), image), target);
  }
  const sampled = path.join(outDir, 'manifest.csv');
  fs.writeFileSync(sampled, [header!, ...kept].map((row) => csvRow(row.fields)).join(''));
  return sampled;
}
