// The preload: exposes the contract's task-level functions as `window.mia`, and the path of a file dropped on the
// page as `window.miaDrop`; nothing else (no ipcRenderer, no raw channels). Runs sandboxed, so it imports only
// 'electron' and the contract.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridge, isEventName, type Result } from '../src-shared/contract/contract';
import { eventChannel, invokeChannel, type MiaDropBridge } from '../src-shared/contract/ipc-channels';

const bridge = createBridge({
  invoke: (channel, request) => ipcRenderer.invoke(invokeChannel, channel, request) as Promise<Result<unknown>>,
  subscribe: (event, listener) => {
    const handler = (_e: unknown, name: unknown, payload: unknown): void => {
      if (isEventName(name) && name === event) listener(payload);
    };
    ipcRenderer.on(eventChannel, handler);
    return () => {
      ipcRenderer.removeListener(eventChannel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('mia', bridge);

/**
 * A sandboxed page sees a dropped file's name but not where it is; Electron can say, for a File the person dropped
 * (a File the page built itself has no path: the answer is then '').
 */
const dropBridge: MiaDropBridge = { pathForFile: (file) => webUtils.getPathForFile(file) };
contextBridge.exposeInMainWorld('miaDrop', dropBridge);
