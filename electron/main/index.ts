/**
 * Electron main: composition root only. A sandboxed window, the lab service (training in worker
 * threads from the compiled out/node tree), and the ipc wiring.
 */
import { app, BrowserWindow, ipcMain } from 'electron';
import { join } from 'node:path';
import { createLabService, type LabService } from '../../core/lab/service';
import { createTrustedUrlCheck, registerIpcHandlers } from './ipcHandlers';

// __dirname is out/main in the electron-vite build.
const rendererDir = join(__dirname, '../renderer');
const devServerUrl = process.env.ELECTRON_RENDERER_URL ?? null;

let service: LabService | null = null;
let window: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'SpikeLab',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  // Links open in the system browser, never as new app windows with the preload.
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(join(rendererDir, 'index.html'));
  return win;
}

void app.whenReady().then(() => {
  service = createLabService({ host: 'electron', workerEntry: join(__dirname, '../node/core/lab/trainWorker.js'), taskWorkerEntry: join(__dirname, '../node/core/lab/taskWorker.js') });
  registerIpcHandlers(ipcMain, service, {
    isTrustedUrl: createTrustedUrlCheck({ rendererDir, devServerUrl }),
    targets: () => (window && !window.isDestroyed() ? [window.webContents] : []),
  });
  window = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) window = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !service) return;
  // Let active runs checkpoint before the process goes; they resume as 'interrupted' next time.
  e.preventDefault();
  quitting = true;
  void service.close().finally(() => app.quit());
});
