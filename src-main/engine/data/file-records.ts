// Prepares one-image-per-file records (manifests, ImageFolder trees): decodes each image a few at a time and
// yields them in groups, reporting undecodable ones as issues that name the file and the manifest line.
import type { RecordRole } from '../../../src-shared/domain/records';
import { probeImageFile } from './image-file';
import type { IssueCollector } from './import-issues';
import { mapLimited } from './map-limited';
import { decodeConcurrency, type PreparedRecord } from './record-source';

export interface PlannedFileRecord {
  readonly key: string;
  readonly relativePath: string;
  readonly absolutePath: string;
  readonly label: number | null;
  readonly caption: string | null;
  readonly member: 0 | 1 | null;
  readonly role: RecordRole;
  /** For messages: "manifest.csv, line 4" or "cat/001.png". */
  readonly where: string;
  /** The file an issue is filed under (the manifest for manifest rows) and its line. */
  readonly issueFile: string;
  readonly line?: number;
}

export async function* prepareFileRecords(
  planned: readonly PlannedFileRecord[],
  groupSize: number,
  issues: IssueCollector,
): AsyncGenerator<PreparedRecord[]> {
  for (let start = 0; start < planned.length; start += groupSize) {
    const slice = planned.slice(start, start + groupSize);
    const prepared = await mapLimited(slice, decodeConcurrency, async (plan): Promise<PreparedRecord | null> => {
      try {
        const image = await probeImageFile(plan.absolutePath, plan.where);
        return {
          key: plan.key,
          path: plan.relativePath,
          sourceIndex: null,
          sha256: image.sha256,
          width: image.width,
          height: image.height,
          channels: image.channels,
          label: plan.label,
          caption: plan.caption,
          member: plan.member,
          role: plan.role,
          thumbnail: image.thumbnail,
        };
      } catch (error) {
        issues.addError(error, plan.line === undefined ? { file: plan.issueFile } : { file: plan.issueFile, line: plan.line });
        return null;
      }
    });
    yield prepared.filter((record): record is PreparedRecord => record !== null);
  }
}
