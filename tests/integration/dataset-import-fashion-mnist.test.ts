import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPixelLoader } from '../../src-main/engine/data/load-pixels';
import { importDataset } from '../../src-main/services/dataset-import';
import { openWorkspace, type WorkspaceDb } from '../../src-main/workspace/open-workspace';
import { listRecordsForAttack } from '../../src-main/workspace/records-repo';
import { makeTempDir } from '../fixtures/datasets/build-fixtures';

// Debian's dataset-fashion-mnist package (`dpkg -L dataset-fashion-mnist`); the test is skipped where it is not installed.
const fashionMnist = '/usr/share/datasets/fashion-mnist';
const images = path.join(fashionMnist, 't10k-images-idx3-ubyte.gz');
const labels = path.join(fashionMnist, 't10k-labels-idx1-ubyte.gz');
const installed = fs.existsSync(images) && fs.existsSync(labels);

let dir: string;
let db: WorkspaceDb;
beforeEach(() => {
  dir = makeTempDir('fmnist');
  db = openWorkspace(path.join(dir, 'workspace.sqlite'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the real Fashion-MNIST test set', () => {
  it.skipIf(!installed)(
    'imports all 10,000 images with 1,000 per class (needs the Debian package dataset-fashion-mnist; skipped without it)',
    async () => {
      const result = await importDataset(db, { kind: 'idx', path: images, labelsPath: labels, name: 'Fashion-MNIST test' });
      expect(result.dataset.recordCount).toBe(10_000);
      expect(result.counts.byLabel).toEqual(Array.from({ length: 10 }, (_, label) => ({ label, count: 1000 })));
      const records = listRecordsForAttack(db, result.dataset.id);
      // The first test image is an ankle boot (class 9) in the published data set.
      expect(records[0]!.label).toBe(9);
      const loader = createPixelLoader();
      const pixels = await loader.load(records[9999]!);
      expect([pixels.width, pixels.height, pixels.channels, pixels.data.length]).toEqual([28, 28, 1, 784]);
      expect(pixels.data.some((v) => v > 0)).toBe(true);
    },
  );
});
