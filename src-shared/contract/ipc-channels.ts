// The two Electron IPC channel names that carry the contract (one for calls, one for events), and the one function
// the preload exposes beside it.
export const invokeChannel = 'mia:invoke';
export const eventChannel = 'mia:event';

/** `window.miaDrop` in the app: the real path of a file dropped on the page ('' for a File not backed by one). */
export interface MiaDropBridge {
  pathForFile(file: File): string;
}
