// Record source for one CIFAR-10/100 binary batch. Records point at the batch file with their index; their
// SHA-256 is taken over the 3,072 pixel bytes as stored (planar).
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { ByteStream } from './byte-stream';
import { cifarClassNames, cifarInterleave, cifarLabel, cifarLayout, cifarSide, cifarStoredPixels, type CifarVariant } from './cifar';
import { realRoot } from './dataset-paths';
import type { IssueCollector } from './import-issues';
import { encodePng } from './png-encode';
import type { ImportDefaults, PreparedRecord, RecordSource } from './record-source';

export function openCifarSource(batchFile: string, variant: CifarVariant | undefined, defaults: ImportDefaults): RecordSource {
  const sourcePath = path.resolve(batchFile);
  const layout = cifarLayout(sourcePath, variant);
  const rootPath = realRoot(path.dirname(sourcePath));
  const relativePath = path.basename(sourcePath);
  return {
    kind: 'cifar',
    sourcePath,
    rootPath,
    classNames: cifarClassNames(sourcePath, layout),
    total: layout.count,
    skipped: [],
    async *groups(groupSize: number, issues: IssueCollector): AsyncGenerator<PreparedRecord[]> {
      const stream = ByteStream.open(sourcePath, `CIFAR batch ${sourcePath}`);
      try {
        for (let first = 0; first < layout.count; first += groupSize) {
          const n = Math.min(groupSize, layout.count - first);
          const block = await stream.read(n * layout.recordBytes);
          if (block.length < n * layout.recordBytes) {
            throw new MiaError('dataset.cifar-size', `${relativePath} changed while it was being imported (it ended early).`, {
              file: sourcePath,
            });
          }
          const group: PreparedRecord[] = [];
          for (let i = 0; i < n; i += 1) {
            const record = block.subarray(i * layout.recordBytes, (i + 1) * layout.recordBytes);
            const label = cifarLabel(record, layout.labelBytes);
            if (label >= layout.classCount) {
              issues.add({
                code: 'dataset.bad-label',
                file: relativePath,
                index: first + i,
                message: `${relativePath}, record ${first + i}: label ${label} is outside 0–${layout.classCount - 1} for ${layout.variant}.`,
              });
              continue;
            }
            const pixels = cifarStoredPixels(record, layout.labelBytes);
            group.push({
              key: String(first + i),
              path: relativePath,
              sourceIndex: first + i,
              sha256: createHash('sha256').update(pixels).digest('hex'),
              width: cifarSide,
              height: cifarSide,
              channels: 3,
              label,
              caption: null,
              member: defaults.member,
              role: defaults.role,
              thumbnail: encodePng(cifarInterleave(pixels), cifarSide, cifarSide, 3),
            });
          }
          yield group;
        }
      } finally {
        await stream.close();
      }
    },
  };
}
