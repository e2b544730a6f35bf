// Paths into the committed classifier demo kit for the browser tests (resolved from the repo, never absolute).
import fs from 'node:fs';
import path from 'node:path';

export const classifierKit = path.resolve(__dirname, '..', '..', 'resources', 'demo', 'classifier');
export const kitManifest = path.join(classifierKit, 'manifest.csv');
export const kitTarget = path.join(classifierKit, 'target.onnx');
export const kitReferenceManifest = path.join(classifierKit, 'reference', 'manifest.json');
export const hasClassifierKit = fs.existsSync(kitManifest) && fs.existsSync(kitReferenceManifest) && fs.existsSync(kitTarget);

/** Records per role in the kit's manifest (role is the last column; the demo manifest has no quoted fields). */
export function kitRoleCounts(): Record<string, number> {
  const lines = fs.readFileSync(kitManifest, 'utf8').split(/\r?\n/).filter((line) => line.trim().length > 0).slice(1);
  const counts: Record<string, number> = {};
  for (const line of lines) {
    const role = line.split(',').pop()!.trim() || 'audit';
    counts[role] = (counts[role] ?? 0) + 1;
  }
  return counts;
}
