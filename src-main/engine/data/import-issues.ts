// Collects per-record problems during an import so the auditor sees every bad row at once (up to a cap),
// then turns them into the one error that fails the import.
import { MiaError } from '../../common/errors';

export interface ImportIssue {
  readonly code: string;
  readonly message: string;
  /** File the problem is in: the manifest for row problems, the image for decoding problems. */
  readonly file: string;
  /** 1-based line (CSV/JSONL) or 0-based index (IDX/CIFAR record), when there is one. */
  readonly line?: number;
  readonly index?: number;
  readonly field?: string;
}

/** How many issues an import keeps for the UI; the count of all issues is still reported. */
export const maxReportedIssues = 200;

export class IssueCollector {
  private readonly kept: ImportIssue[] = [];
  private total = 0;

  add(issue: ImportIssue): void {
    this.total += 1;
    if (this.kept.length < maxReportedIssues) this.kept.push(issue);
  }

  /** Records a MiaError thrown while checking one record, keeping its code and message. */
  addError(error: unknown, where: Omit<ImportIssue, 'code' | 'message'>): void {
    if (error instanceof MiaError) {
      this.add({ ...where, code: error.code, message: error.message });
    } else {
      this.add({ ...where, code: 'dataset.record-failed', message: `${where.file}: ${(error as Error).message ?? String(error)}` });
    }
  }

  get count(): number {
    return this.total;
  }

  get issues(): readonly ImportIssue[] {
    return this.kept;
  }

  /**
   * The error that fails the import. Its code is the first problem's code (so a test or a script can tell a
   * missing file from a bad role without reading the list); `details.issues` lists every kept problem.
   */
  toError(sourceFile: string): MiaError {
    const first = this.kept[0];
    if (!first) return new MiaError('dataset.import-failed', `Import of ${sourceFile} failed.`);
    const shown = this.kept.slice(0, 3).map((issue) => issue.message);
    const more =
      this.total > shown.length ? ` …and ${this.total - shown.length} more problem${this.total - shown.length === 1 ? '' : 's'}.` : '';
    return new MiaError(
      first.code,
      `Import of ${sourceFile} found ${this.total} problem${this.total === 1 ? '' : 's'}; nothing was imported. ${shown.join(' ')}${more}`,
      { issues: this.kept.map((issue) => ({ ...issue })), issueCount: this.total, truncated: this.total > this.kept.length },
    );
  }
}
