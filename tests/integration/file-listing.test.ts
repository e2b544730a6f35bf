// Choosing files to import through the contract router, with real folders: behind the headless host's front door
// `files.chooseOpen` tells the page to browse and `files.list` lists one folder (folders first, hidden names on
// request, special files and broken or looping links left out, a folder's size capped); the app's dialog door answers
// with the dialog's choice and refuses listings; the CLI's door offers neither.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxListedEntries, type OpenPurpose } from '../../src-shared/contract/contract';
import { createExportDownloads } from '../../src-main/web/export-downloads';
import { headlessFrontDoor } from '../../src-main/web/headless-front-door';
import { unattendedFrontDoor } from '../../src-main/services/front-door';
import { contractCalls } from '../helpers/contract-calls';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir } from '../helpers/temp-dir';

const dir = makeTempDir('mia-file-listing-');
const data = path.join(dir, 'data');
const downloads = createExportDownloads();
const { backend } = createTestBackend(dir, 'workspace.sqlite', {
  frontDoor: headlessFrontDoor(downloads, path.join(dir, 'training'), data),
});
const { call, refusal } = contractCalls(backend);
const isRoot = process.getuid?.() === 0;

beforeAll(() => {
  fs.mkdirSync(path.join(data, 'b-folder'), { recursive: true });
  fs.mkdirSync(path.join(data, 'A-folder'));
  fs.writeFileSync(path.join(data, 'manifest.csv'), 'id,path\n');
  fs.writeFileSync(path.join(data, 'target.onnx'), Buffer.alloc(1234));
  fs.writeFileSync(path.join(data, '.hidden'), 'x');
  fs.symlinkSync('A-folder', path.join(data, 'link-to-folder'));
  fs.symlinkSync('loop', path.join(data, 'loop'));
  fs.symlinkSync('nowhere', path.join(data, 'broken'));
  execFileSync('mkfifo', [path.join(data, 'pipe')]);
});

afterAll(() => {
  downloads.close();
  backend.close();
});

describe('files.chooseOpen', () => {
  it('tells the browser to browse from the folder the headless host was started with', async () => {
    expect(await call('files.chooseOpen', { purpose: 'dataset-manifest-csv' })).toEqual({ outcome: 'browse', startFolder: data });
  });

  it("answers with the app's dialog and never lists folders for the app's renderer", async () => {
    const asked: OpenPurpose[] = [];
    const app = createTestBackend(dir, 'app.sqlite', {
      frontDoor: {
        ...unattendedFrontDoor,
        openPaths: {
          kind: 'dialog',
          choose: (purpose) => (asked.push(purpose), Promise.resolve(asked.length === 1 ? '/chosen/model.onnx' : null)),
        },
      },
    }).backend;
    try {
      const { call: appCall, refusal: appRefusal } = contractCalls(app);
      expect(await appCall('files.chooseOpen', { purpose: 'onnx-model' })).toEqual({ outcome: 'chosen', path: '/chosen/model.onnx' });
      expect(await appCall('files.chooseOpen', { purpose: 'imagefolder-root' })).toEqual({ outcome: 'cancelled' });
      expect(asked).toEqual(['onnx-model', 'imagefolder-root']);
      expect(await appRefusal('files.list', { path: data })).toBe('files.listing-not-offered');
    } finally {
      app.close();
    }
  });

  it('is refused where nobody can choose (the CLI), and refuses dialog filters from the page', async () => {
    const cli = createTestBackend(dir, 'cli.sqlite').backend;
    try {
      const { refusal: cliRefusal } = contractCalls(cli);
      expect(await cliRefusal('files.chooseOpen', { purpose: 'onnx-model' })).toBe('files.no-chooser');
      expect(await cliRefusal('files.list', { path: data })).toBe('files.listing-not-offered');
    } finally {
      cli.close();
    }
    expect(await refusal('files.chooseOpen', { purpose: 'onnx-model', filters: [{ extensions: ['*'] }] })).toBe('ipc.invalid-payload');
    expect(await refusal('files.chooseOpen', { purpose: 'any file' })).toBe('ipc.invalid-payload');
  });
});

describe('files.list', () => {
  it('lists folders first, then files, by name, without hidden names, special files or broken and looping links', async () => {
    const listing = await call('files.list', { path: data });
    expect(listing.path).toBe(data);
    expect(listing.parent).toBe(dir);
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((e) => [e.name, e.kind, e.link])).toEqual([
      ['A-folder', 'folder', false],
      ['b-folder', 'folder', false],
      ['link-to-folder', 'folder', true],
      ['manifest.csv', 'file', false],
      ['target.onnx', 'file', false],
    ]);
    const model = listing.entries.find((e) => e.name === 'target.onnx')!;
    expect(model).toMatchObject({ path: path.join(data, 'target.onnx'), size: 1234 });
    expect(model.modifiedMs).toBeCloseTo(fs.statSync(path.join(data, 'target.onnx')).mtimeMs, 0);
    expect(listing.entries.find((e) => e.kind === 'folder')!.size).toBeNull();
    expect(listing.crumbs.at(-1)).toEqual({ name: 'data', path: data });
    expect(listing.crumbs[0]!.path).toBe(path.parse(data).root);
    expect(listing.crumbs.at(-2)!.path).toBe(dir);
  });

  it('lists hidden names when asked, and normalises the path it was given', async () => {
    const listing = await call('files.list', { path: path.join(data, 'A-folder', '..'), showHidden: true });
    expect(listing.path).toBe(data);
    expect(listing.entries.map((e) => e.name)).toContain('.hidden');
  });

  it('walks into a linked folder without recursing, and reaches the root, where there is no parent', async () => {
    const linked = await call('files.list', { path: path.join(data, 'link-to-folder') });
    expect(linked.path).toBe(path.join(data, 'link-to-folder'));
    expect(linked.entries).toEqual([]);
    const root = await call('files.list', { path: path.parse(data).root });
    expect(root.parent).toBeNull();
    expect(root.crumbs).toHaveLength(1);
  });

  it('refuses a missing folder, a file, a FIFO, a symbolic link loop and a relative path, each by its code, without hanging', async () => {
    const started = Date.now();
    expect(await refusal('files.list', { path: path.join(data, 'missing') })).toBe('files.not-found');
    expect(await refusal('files.list', { path: path.join(data, 'manifest.csv') })).toBe('files.not-a-folder');
    expect(await refusal('files.list', { path: path.join(data, 'pipe') })).toBe('files.not-a-folder');
    expect(await refusal('files.list', { path: path.join(data, 'loop') })).toBe('files.unreadable');
    expect(await refusal('files.list', { path: 'data' })).toBe('files.path-not-absolute');
    expect(await refusal('files.list', { path: '' })).toBe('ipc.invalid-payload');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.skipIf(isRoot)('refuses a folder it may not read (root reads every folder, so this runs only as another user)', async () => {
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o000 });
    try {
      expect(await refusal('files.list', { path: locked })).toBe('files.unreadable');
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });

  it(`lists at most ${maxListedEntries} entries of a larger folder and says that it was cut`, async () => {
    const big = path.join(dir, 'big');
    fs.mkdirSync(big);
    for (let i = 0; i <= maxListedEntries; i++) fs.writeFileSync(path.join(big, `f${i}.png`), '');
    const listing = await call('files.list', { path: big });
    expect(listing.entries).toHaveLength(maxListedEntries);
    expect(listing.truncated).toBe(true);
    fs.rmSync(path.join(big, 'f0.png'));
    const exact = await call('files.list', { path: big });
    expect(exact.entries).toHaveLength(maxListedEntries);
    expect(exact.truncated).toBe(false);
  });
});
