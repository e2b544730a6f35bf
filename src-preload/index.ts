// The preload: exposes the contract's task-level functions as `window.mia`, nothing else (no ipcRenderer,
// no raw channels). Runs sandboxed, so it imports only 'electron' and the contract.
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge, isEventName, type Result } from '../src-shared/contract/contract';
import { eventChannel, invokeChannel } from '../src-shared/contract/ipc-channels';

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
