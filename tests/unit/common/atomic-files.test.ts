// The all-or-nothing writer behind every export: nothing is replaced unless every file was written, and nothing that
// exists is replaced without `force`.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { partialFileSuffix, writeFilesAtomically } from '../../../src-main/common/atomic-files';
import { isMiaError, type MiaError } from '../../../src-main/common/errors';
import { makeTempDir } from '../../helpers/temp-dir';

const root = makeTempDir('mia-atomic-');
let folderCount = 0;
const freshFolder = (): string => {
  const folder = path.join(root, `case-${folderCount++}`);
  fs.mkdirSync(folder);
  return folder;
};
const text = (content: string) => (temp: string) => fs.writeFileSync(temp, content);

async function expectMiaError(work: Promise<unknown>, code: string): Promise<MiaError> {
  const error = await work.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(isMiaError(error) ? error.code : String(error)).toBe(code);
  return error as MiaError;
}

describe('writeFilesAtomically', () => {
  it('writes every file, returns the SHA-256 of what landed, and leaves no partial file', async () => {
    const folder = freshFolder();
    const written = await writeFilesAtomically(
      [
        { path: path.join(folder, 'a.txt'), write: text('alpha') },
        { path: path.join(folder, 'sub', 'b.txt'), write: async (temp) => fs.promises.writeFile(temp, 'beta') },
      ],
      { force: false },
    );
    expect(fs.readFileSync(path.join(folder, 'a.txt'), 'utf8')).toBe('alpha');
    expect(fs.readFileSync(path.join(folder, 'sub', 'b.txt'), 'utf8')).toBe('beta');
    expect(written.map((file) => file.sha256)).toEqual(
      ['alpha', 'beta'].map((content) => createHash('sha256').update(content).digest('hex')),
    );
    expect(fs.readdirSync(folder).sort()).toEqual(['a.txt', 'sub']);
  });

  it('refuses an existing file without force, naming it, and writes none of the others', async () => {
    const folder = freshFolder();
    fs.writeFileSync(path.join(folder, 'b.txt'), 'old');
    const attempt = writeFilesAtomically(
      [
        { path: path.join(folder, 'a.txt'), write: text('new a') },
        { path: path.join(folder, 'b.txt'), write: text('new b') },
      ],
      { force: false },
    );
    const error = await expectMiaError(attempt, 'export.file-exists');
    expect(error.message).toContain(path.join(folder, 'b.txt'));
    expect(fs.readdirSync(folder)).toEqual(['b.txt']);
    expect(fs.readFileSync(path.join(folder, 'b.txt'), 'utf8')).toBe('old');
  });

  it('replaces existing files with force', async () => {
    const folder = freshFolder();
    fs.writeFileSync(path.join(folder, 'a.txt'), 'old');
    await writeFilesAtomically([{ path: path.join(folder, 'a.txt'), write: text('new') }], { force: true });
    expect(fs.readFileSync(path.join(folder, 'a.txt'), 'utf8')).toBe('new');
  });

  it('leaves every target as it was when a later file fails, and removes its partial files', async () => {
    const folder = freshFolder();
    fs.writeFileSync(path.join(folder, 'a.txt'), 'old a');
    fs.writeFileSync(path.join(folder, 'b.txt'), 'old b');
    const attempt = writeFilesAtomically(
      [
        { path: path.join(folder, 'a.txt'), write: text('new a') },
        {
          path: path.join(folder, 'b.txt'),
          write: (temp) => {
            fs.writeFileSync(temp, 'half of b');
            throw new Error('disk trouble');
          },
        },
      ],
      { force: true },
    );
    await expect(attempt).rejects.toThrow('disk trouble');
    expect(fs.readdirSync(folder).sort()).toEqual(['a.txt', 'b.txt']);
    expect(fs.readFileSync(path.join(folder, 'a.txt'), 'utf8')).toBe('old a');
    expect(fs.readFileSync(path.join(folder, 'b.txt'), 'utf8')).toBe('old b');
  });

  it('refuses a target that appeared while the export was being written, renaming nothing', async () => {
    const folder = freshFolder();
    const attempt = writeFilesAtomically(
      [
        { path: path.join(folder, 'a.txt'), write: text('new a') },
        {
          path: path.join(folder, 'b.txt'),
          write: (temp) => {
            fs.writeFileSync(path.join(folder, 'b.txt'), 'written by someone else meanwhile');
            fs.writeFileSync(temp, 'new b');
          },
        },
      ],
      { force: false },
    );
    await expectMiaError(attempt, 'export.file-exists');
    expect(fs.readdirSync(folder)).toEqual(['b.txt']);
    expect(fs.readFileSync(path.join(folder, 'b.txt'), 'utf8')).toBe('written by someone else meanwhile');
  });

  it('refuses two files of one export with the same name, and a folder as a target, even with force', async () => {
    const folder = freshFolder();
    await expectMiaError(
      writeFilesAtomically(
        [
          { path: path.join(folder, 'x.csv'), write: text('1') },
          { path: path.join(folder, '.', 'x.csv'), write: text('2') },
        ],
        { force: true },
      ),
      'export.same-file',
    );
    fs.mkdirSync(path.join(folder, 'report.pdf'));
    await expectMiaError(
      writeFilesAtomically([{ path: path.join(folder, 'report.pdf'), write: text('%PDF') }], { force: true }),
      'export.target-not-a-file',
    );
    expect(fs.readdirSync(folder)).toEqual(['report.pdf']);
    expect(fs.readdirSync(folder).some((name) => name.endsWith(partialFileSuffix))).toBe(false);
  });
});
