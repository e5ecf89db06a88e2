import { openFiles } from '../store/actions';

/** The File Handling API's launch queue (Chromium, installed app): not in TypeScript's DOM lib yet. */
interface LaunchParams {
  readonly files: readonly FileSystemHandle[];
}
interface LaunchQueue {
  setConsumer(consumer: (params: LaunchParams) => void | Promise<void>): void;
}

/**
 * Installed in Chromium, Ckpt Lens is a handler for .ckpt and .safetensors files (the web app
 * manifest's file_handlers): opening one from the desktop starts the app with the file in its
 * launch queue. Such files open exactly as if chosen with "Open files…".
 */
export function openLaunchedFiles(): void {
  const queue = (window as Window & { launchQueue?: LaunchQueue }).launchQueue;
  if (!queue) return;
  queue.setConsumer(async ({ files }) => {
    const handles = files.filter((handle): handle is FileSystemFileHandle => handle.kind === 'file');
    const opened = await Promise.all(handles.map((handle) => handle.getFile()));
    if (opened.length > 0) openFiles(opened);
  });
}
