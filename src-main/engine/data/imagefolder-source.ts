// Record source for an ImageFolder tree, root/<class>/<image>, as torchvision reads it: every sub-folder is a
// class, classes sorted by name (code-point order) give the label indices, so indices match a model trained
// with torchvision's ImageFolder. Role and membership come from the import defaults. Everything listed (records,
// `skipped`, errors) is named relative to the root, and nothing outside the root is ever listed.
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../../common/errors';
import { isInside, realRoot, resolveInsideRoot } from './dataset-paths';
import { prepareFileRecords, type PlannedFileRecord } from './file-records';
import { imageFileExtensions } from './image-limits';
import { sortedClassNames } from './labels';
import type { ImportDefaults, RecordSource } from './record-source';
import type { IssueCollector } from './import-issues';

export function openImageFolderSource(folder: string, defaults: ImportDefaults, issues: IssueCollector): RecordSource {
  const sourcePath = path.resolve(folder);
  if (!fs.existsSync(sourcePath) || !fs.statSync(sourcePath).isDirectory()) {
    throw new MiaError('dataset.not-a-folder', `ImageFolder root ${sourcePath} is not a folder; expected root/<class>/<image> files.`, {
      file: sourcePath,
    });
  }
  const rootPath = realRoot(sourcePath);
  const skipped: string[] = [];
  const classNames = sortedClassNames(
    listVisible(rootPath).filter((entry) => {
      const folder = path.join(rootPath, entry);
      if (!isDirectory(folder)) {
        skipped.push(entry);
        return false;
      }
      // A class folder that is a link out of the root is refused unread: listing it would put the names of
      // files elsewhere on the machine into `skipped` and into errors.
      if (!isInside(rootPath, fs.realpathSync(folder))) {
        issues.addError(
          new MiaError(
            'dataset.path-outside-root',
            `Class folder "${entry}" of ${sourcePath} is a symbolic link that leads outside the dataset folder; its files were not read.`,
            { path: entry },
          ),
          { file: entry },
        );
        return false;
      }
      return true;
    }),
  );
  const planned: PlannedFileRecord[] = [];
  classNames.forEach((className, label) => {
    for (const fileName of listVisible(path.join(rootPath, className)).sort(codePointOrder)) {
      const relative = `${className}/${fileName}`;
      const absolute = path.join(rootPath, className, fileName);
      if (isDirectory(absolute) || !(imageFileExtensions as readonly string[]).includes(path.extname(fileName).toLowerCase())) {
        skipped.push(relative);
        continue;
      }
      try {
        const resolved = resolveInsideRoot(rootPath, relative, relative);
        planned.push({
          key: relative,
          relativePath: resolved.relative,
          absolutePath: resolved.absolute,
          label,
          caption: null,
          member: defaults.member,
          role: defaults.role,
          where: relative,
          issueFile: relative,
        });
      } catch (error) {
        issues.addError(error, { file: relative });
      }
    }
  });
  if (planned.length === 0 && issues.count === 0) {
    throw new MiaError(
      'dataset.empty',
      `ImageFolder root ${sourcePath} holds no images; expected root/<class>/<image> with ${imageFileExtensions.join(', ')} files.`,
      { file: sourcePath },
    );
  }
  return {
    kind: 'imagefolder',
    sourcePath,
    rootPath,
    classNames,
    total: planned.length,
    skipped,
    groups: (groupSize, groupIssues) => prepareFileRecords(planned, groupSize, groupIssues),
  };
}

/** Entries not starting with a dot (.DS_Store, .git and the like are never data). */
function listVisible(folder: string): string[] {
  return fs.readdirSync(folder).filter((name) => !name.startsWith('.'));
}

function isDirectory(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
