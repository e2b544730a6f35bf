// Who may change the training bridge's Python. The page only proposes a path: the app's front door must have it
// confirmed before the path is run even once (probing an interpreter executes it), the headless host refuses any
// change from the page, and `--python` given when a front door starts wins over the saved setting.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PythonProbe, TrainingSettings } from '../../src-shared/contract/contract';
import type { Backend } from '../../src-main/services/backend';
import { createExportDownloads } from '../../src-main/web/export-downloads';
import { headlessFrontDoor } from '../../src-main/web/headless-front-door';
import { createTestBackend } from '../helpers/in-process-bridge';
import { scriptedFrontDoor } from '../helpers/scripted-front-door';
import { makeTempDir } from '../helpers/temp-dir';

/** A stand-in interpreter that leaves a mark each time it runs, and answers the probe as a Python with PyTorch. */
function markingPython(folder: string, name: string): { file: string; ran: () => boolean } {
  const file = path.join(folder, name);
  const mark = path.join(folder, `${name}.ran`);
  fs.writeFileSync(file, `#!/bin/sh\ntouch '${mark}'\necho '{"torch": "9.9.9-test", "python": "3.11.2"}'\n`, { mode: 0o755 });
  return { file, ran: () => fs.existsSync(mark) };
}

async function dispatch(backend: Backend, channel: string, request?: unknown) {
  return backend.router.dispatch(channel, request);
}

describe("changing the training bridge's Python", () => {
  it('never runs a proposed interpreter the person declined, and saves one they confirmed', async () => {
    const dir = makeTempDir();
    const door = scriptedFrontDoor({ python: false, destination: () => null });
    const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
    try {
      const python = markingPython(dir, 'python3');
      const declined = await dispatch(backend, 'settings.update', { pythonPath: python.file });
      expect(declined).toMatchObject({ ok: false, error: { code: 'settings.python-not-confirmed' } });
      expect(door.pythonAsked).toEqual([python.file]);
      expect(python.ran()).toBe(false);
      expect(await dispatch(backend, 'settings.get')).toEqual({
        ok: true,
        data: { pythonPath: null, pythonChangeable: true, folderChoice: 'dialog', trainingRoot: null },
      });

      door.answers.python = true;
      const confirmed = await dispatch(backend, 'settings.update', { pythonPath: python.file });
      expect(confirmed).toEqual({
        ok: true,
        data: { pythonPath: python.file, pythonChangeable: true, folderChoice: 'dialog', trainingRoot: null },
      });
      expect(python.ran()).toBe(true);
      expect(((await dispatch(backend, 'training.python')) as { data: PythonProbe }).data).toMatchObject({
        path: python.file,
        source: 'setting',
      });

      // Going back to the search is a change too, and is asked about.
      door.answers.python = false;
      expect(await dispatch(backend, 'settings.update', { pythonPath: null })).toMatchObject({
        ok: false,
        error: { code: 'settings.python-not-confirmed' },
      });
      expect(door.pythonAsked).toEqual([python.file, python.file, null]);
      expect(((await dispatch(backend, 'settings.get')) as { data: TrainingSettings }).data.pythonPath).toBe(python.file);
    } finally {
      backend.close();
    }
  });

  it('refuses a confirmed path that cannot train, keeping the saved one', async () => {
    const dir = makeTempDir();
    const door = scriptedFrontDoor({ python: true, destination: () => null });
    const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: door.frontDoor });
    try {
      const missing = await dispatch(backend, 'settings.update', { pythonPath: path.join(dir, 'no-such-python') });
      expect(missing).toMatchObject({
        ok: false,
        error: { code: 'settings.bad-python', message: expect.stringMatching(/no executable file/) },
      });
      expect(await dispatch(backend, 'settings.get')).toEqual({
        ok: true,
        data: { pythonPath: null, pythonChangeable: true, folderChoice: 'dialog', trainingRoot: null },
      });
    } finally {
      backend.close();
    }
  });

  it('lets no page change it under the headless host, and runs nothing it named', async () => {
    const dir = makeTempDir();
    const downloads = createExportDownloads();
    const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: headlessFrontDoor(downloads, path.join(dir, 'training')) });
    try {
      const python = markingPython(dir, 'python3');
      expect(await dispatch(backend, 'settings.get')).toEqual({
        ok: true,
        data: { pythonPath: null, pythonChangeable: false, folderChoice: 'name', trainingRoot: path.join(dir, 'training') },
      });
      for (const pythonPath of [python.file, null]) {
        const refused = await dispatch(backend, 'settings.update', { pythonPath });
        expect(refused).toMatchObject({
          ok: false,
          error: { code: 'settings.python-fixed', message: expect.stringMatching(/--python PATH.*MIA_PYTHON/) },
        });
      }
      expect(python.ran()).toBe(false);
    } finally {
      backend.close();
      downloads.close();
    }
  });

  it('uses the --python a front door was started with before the saved setting and MIA_PYTHON', async () => {
    const dir = makeTempDir();
    const saved = markingPython(dir, 'saved-python');
    const option = markingPython(dir, 'option-python');
    const first = createTestBackend(dir, 'workspace.sqlite', {
      frontDoor: scriptedFrontDoor({ python: true, destination: () => null }).frontDoor,
    });
    try {
      expect(await dispatch(first.backend, 'settings.update', { pythonPath: saved.file })).toMatchObject({ ok: true });
    } finally {
      first.backend.close();
    }
    const previous = process.env.MIA_PYTHON;
    process.env.MIA_PYTHON = path.join(dir, 'environment-python');
    const { backend } = createTestBackend(dir, 'workspace.sqlite', { python: option.file });
    try {
      const probe = ((await dispatch(backend, 'training.python')) as { data: PythonProbe }).data;
      expect(probe).toMatchObject({ found: true, path: option.file, source: 'option' });
      expect(option.ran()).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.MIA_PYTHON;
      else process.env.MIA_PYTHON = previous;
      backend.close();
    }
  });
});
