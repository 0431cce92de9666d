import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Calls `onChange` when the file's content changes. It watches the directory, not the file: editors and
 * Kubernetes ConfigMap and Secret volumes replace a file by renaming (or by swapping a `..data` symlink), which
 * a watch on the file itself would not follow. Bursts of events are taken once, 200 ms after the last.
 */
export function watchFile(path: string, onChange: () => void): () => void {
  const read = () => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  };
  let last = read();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(dirname(path), () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const content = read();
        if (content === undefined || content === last) return;
        last = content;
        onChange();
      }, 200);
      timer.unref();
    });
    watcher.unref();
  } catch {
    // A directory that cannot be watched still reloads on SIGHUP.
  }
  return () => {
    clearTimeout(timer);
    watcher?.close();
  };
}
