// Record source for CSV/JSONL manifests: rows are checked, labels resolved and paths confined to the manifest's
// folder before any image is opened; then the images are decoded group by group.
import path from 'node:path';
import { realRoot, resolveInsideRoot } from './dataset-paths';
import type { PlannedFileRecord } from './file-records';
import { prepareFileRecords } from './file-records';
import type { IssueCollector } from './import-issues';
import { resolveLabels } from './labels';
import { readManifest } from './manifest';
import type { ImportDefaults, RecordSource } from './record-source';

export function openManifestSource(
  manifestFile: string,
  format: 'csv' | 'jsonl',
  defaults: ImportDefaults,
  issues: IssueCollector,
): RecordSource {
  const sourcePath = path.resolve(manifestFile);
  const entries = readManifest(sourcePath, format, defaults, issues);
  const name = path.basename(sourcePath);
  const rootPath = realRoot(path.dirname(sourcePath));
  const { labels, classNames } = resolveLabels(entries, name, issues);
  const planned: PlannedFileRecord[] = [];
  entries.forEach((entry, i) => {
    const where = `${name}, line ${entry.line}`;
    try {
      const resolved = resolveInsideRoot(rootPath, entry.path, `${where}, field path`);
      planned.push({
        key: entry.id,
        relativePath: resolved.relative,
        absolutePath: resolved.absolute,
        label: labels[i] ?? null,
        caption: entry.caption,
        member: entry.member,
        role: entry.role,
        where,
        issueFile: name,
        line: entry.line,
      });
    } catch (error) {
      issues.addError(error, { file: name, line: entry.line, field: 'path' });
    }
  });
  return {
    kind: format === 'csv' ? 'manifest-csv' : 'manifest-jsonl',
    sourcePath,
    rootPath,
    classNames,
    total: planned.length,
    skipped: [],
    groups: (groupSize, groupIssues) => prepareFileRecords(planned, groupSize, groupIssues),
  };
}
