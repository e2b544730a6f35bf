// Record source for an IDX image file (MNIST, Fashion-MNIST) with an optional IDX label file. Records point at
// the image file with their index; their SHA-256 is taken over their raw pixel bytes.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { realRoot } from './dataset-paths';
import { assertIdxSize, imageLayout, parseIdxHeader, readIdxFileWhole, readIdxHeader, streamIdxItems } from './idx';
import type { IssueCollector } from './import-issues';
import { mapLimited } from './map-limited';
import { rawThumbnail } from './raw-thumbnail';
import { decodeConcurrency, type ImportDefaults, type PreparedRecord, type RecordSource } from './record-source';

export async function openIdxSource(imagesFile: string, labelsFile: string | undefined, defaults: ImportDefaults): Promise<RecordSource> {
  const sourcePath = path.resolve(imagesFile);
  const layout = imageLayout(await readIdxHeader(sourcePath, [3, 4]), sourcePath);
  assertIdxSize(sourcePath, layout);
  const labels = labelsFile === undefined ? null : readLabels(path.resolve(labelsFile), layout.count, sourcePath);
  const rootPath = realRoot(path.dirname(sourcePath));
  const relativePath = path.basename(sourcePath);
  return {
    kind: 'idx',
    sourcePath,
    rootPath,
    classNames: null,
    total: layout.count,
    skipped: [],
    async *groups(groupSize: number, _issues: IssueCollector): AsyncGenerator<PreparedRecord[]> {
      let index = 0;
      for await (const items of streamIdxItems(sourcePath, layout, groupSize)) {
        const first = index;
        index += items.length;
        yield mapLimited(items, decodeConcurrency, async (pixels, i): Promise<PreparedRecord> => ({
          key: String(first + i),
          path: relativePath,
          sourceIndex: first + i,
          sha256: createHash('sha256').update(pixels).digest('hex'),
          width: layout.width,
          height: layout.height,
          channels: layout.channels,
          label: labels ? (labels[first + i] as number) : null,
          caption: null,
          member: defaults.member,
          role: defaults.role,
          thumbnail: await rawThumbnail(pixels, layout.width, layout.height, layout.channels),
        }));
      }
    },
  };
}

function readLabels(labelsFile: string, imageCount: number, imagesFile: string): Uint8Array {
  const bytes = readIdxFileWhole(labelsFile, `IDX label file ${labelsFile}`);
  const header = parseIdxHeader(bytes, labelsFile, [1]);
  const name = path.basename(labelsFile);
  if (bytes.length !== header.headerBytes + header.count) {
    throw new MiaError(
      'dataset.idx-size',
      `${name} holds ${bytes.length - header.headerBytes} label bytes, but its header says ${header.count}.`,
      { file: labelsFile },
    );
  }
  if (header.count !== imageCount) {
    throw new MiaError(
      'dataset.idx-count-mismatch',
      `${name} has ${header.count} labels but ${path.basename(imagesFile)} has ${imageCount} images; they must match one to one.`,
      { file: labelsFile, labels: header.count, images: imageCount },
    );
  }
  return bytes.subarray(header.headerBytes);
}
