// What every importer hands to the import service: the dataset's description and its records, prepared
// (hashed, measured, thumbnailed) in groups so a large dataset never sits in memory at once.
import type { DatasetSourceKind, RecordRole } from '../../../src-shared/domain/records';
import type { IssueCollector } from './import-issues';

export interface PreparedRecord {
  readonly key: string;
  /** Relative to the dataset root, forward slashes; for IDX/CIFAR the container file. */
  readonly path: string;
  /** Index inside the container file; null for one-image-per-file records. */
  readonly sourceIndex: number | null;
  /** Of the file's bytes, or for container records of the record's stored pixel bytes. */
  readonly sha256: string;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly label: number | null;
  readonly caption: string | null;
  readonly member: 0 | 1 | null;
  readonly role: RecordRole;
  readonly thumbnail: Buffer;
}

export interface RecordSource {
  readonly kind: DatasetSourceKind;
  /** The file or folder the auditor chose. */
  readonly sourcePath: string;
  /** The folder record paths are relative to (real path, links resolved). */
  readonly rootPath: string;
  readonly classNames: string[] | null;
  /** Records the source will try to prepare (for progress). */
  readonly total: number;
  /** Files left out on purpose (e.g. non-images in an ImageFolder tree), for the auditor to see. */
  readonly skipped: string[];
  /**
   * Prepared records in groups of up to `groupSize`. Problems with single records go to `issues` and the record
   * is left out; problems with the whole source are thrown.
   */
  groups(groupSize: number, issues: IssueCollector): AsyncGenerator<PreparedRecord[]>;
}

export interface ImportDefaults {
  readonly role: RecordRole;
  readonly member: 0 | 1 | null;
}

/** How many images are decoded at once. */
export const decodeConcurrency = 4;
