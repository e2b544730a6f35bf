// The two Electron IPC channel names that carry the contract: one for calls, one for events.
export const invokeChannel = 'mia:invoke';
export const eventChannel = 'mia:event';
