// Registers the contract on Electron's IPC: one invoke handler that checks the sender frame, then hands the
// payload to the shared router (which validates it); backend events are forwarded to the window.
import { ipcMain, type BrowserWindow } from 'electron';
import type { Backend } from '../services/backend';
import { eventChannel, invokeChannel } from '../../src-shared/contract/ipc-channels';
import { isTrustedSender } from './sender-guard';

export function registerIpc(backend: Backend, window: BrowserWindow, rendererUrl: string): () => void {
  ipcMain.handle(invokeChannel, (event, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, rendererUrl)) {
      return {
        ok: false,
        error: { code: 'ipc.untrusted-sender', message: 'This request did not come from the workbench window and was refused.' },
      };
    }
    return backend.router.dispatch(channel, payload);
  });
  const unsubscribe = backend.bus.subscribe((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(eventChannel, event, payload);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(invokeChannel);
  };
}
