// Electron main-process entry: app lifecycle only. Everything the app does goes through the shared backend.
import { app, BrowserWindow } from 'electron';
import path from 'node:path';
import { createBackend, type Backend } from '../services/backend';
import { electronFrontDoor } from './front-door';
import { electronApiKeyStore } from './key-cipher';
import { registerIpc } from './ipc';
import { utilityHostSpawner } from './utility-host';
import { createMainWindow, hardenSession, rendererUrl } from './window';

let backend: Backend | null = null;

app.enableSandbox();

app.whenReady().then(() => {
  hardenSession();
  const workspaceFile = path.join(app.getPath('userData'), 'workspace.sqlite');
  backend = createBackend({
    workspaceFile,
    spawnHost: utilityHostSpawner(path.join(__dirname, 'engine-host.js')),
    frontDoor: { ...electronFrontDoor(), apiKeys: electronApiKeyStore() },
  });
  const window = createMainWindow();
  const unregister = registerIpc(backend, window, rendererUrl());
  window.on('closed', unregister);
});

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', (event, url) => {
    if (url !== rendererUrl()) event.preventDefault();
  });
});

app.on('window-all-closed', () => {
  backend?.close();
  backend = null;
  app.quit();
});

app.on('activate', () => {
  if (BrowserWindow.getAllWindows().length === 0 && backend) {
    const window = createMainWindow();
    registerIpc(backend, window, rendererUrl());
  }
});
