// The native open dialog's options for a purpose: what it selects and its filters, from the purpose's rule alone.
// Kept free of Electron imports (only its types) so it is unit-tested directly; front-door.ts shows the dialog.
import type { OpenDialogOptions } from 'electron';
import { openPurposeRules, type OpenPurpose } from '../../src-shared/contract/contract';

/**
 * What the dialog selects. Only macOS has one dialog for a file or a folder; on Linux and Windows `['openFile',
 * 'openDirectory']` shows a folder selector (Electron's dialog docs), which would hide the .onnx files. There a
 * file-or-folder purpose gets the file dialog, and a model folder is typed, dropped or picked by its model.onnx.
 */
export function openDialogSelects(purpose: OpenPurpose, platform: NodeJS.Platform): OpenDialogOptions['properties'] {
  const { kind } = openPurposeRules[purpose];
  if (kind === 'folder') return ['openDirectory'];
  if (kind === 'file-or-folder' && platform === 'darwin') return ['openFile', 'openDirectory'];
  return ['openFile'];
}

/** The dialog's title, what it selects and its filters; the filters come from the purpose's rule, never from the page. */
export function openDialogOptions(purpose: OpenPurpose, platform: NodeJS.Platform, defaultPath: string): OpenDialogOptions {
  const rule = openPurposeRules[purpose];
  return {
    title: rule.title,
    buttonLabel: 'Choose',
    defaultPath,
    properties: openDialogSelects(purpose, platform),
    ...(rule.kind !== 'folder' && rule.extensions.length > 0
      ? {
          filters: [
            { name: rule.title, extensions: [...rule.extensions] },
            { name: 'All files', extensions: ['*'] },
          ],
        }
      : {}),
  };
}
