// The main window, hardened per Electron's security checklist: isolated, sandboxed renderer without Node,
// our CSP on every response, no navigation away, no new windows, no permissions granted.
import { BrowserWindow, session } from 'electron';
import path from 'node:path';
import { contentSecurityPolicy } from '../common/content-security-policy';

export function rendererUrl(): string {
  const devServer = process.env.ELECTRON_RENDERER_URL;
  return devServer ?? `file://${path.join(__dirname, '../renderer/index.html')}`;
}

export function hardenSession(): void {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
  });
  session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'MIA Workbench',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      // Middle-click opens links without going through will-navigate or the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  const allowed = rendererUrl();
  window.webContents.on('will-navigate', (event, url) => {
    if (url !== allowed) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The workbench is offline and opens no other windows or sites: every request for one is refused.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(allowed);
  return window;
}
