import { rankFromPath } from '../../core/distributed';
import type { SetFileInput } from '../../workers/wire';

/**
 * Folder drops: the browser hands out a directory as an entry whose files must be walked; the
 * entries can only be taken during the drop event itself, so `droppedEntries` is synchronous.
 */
export function droppedEntries(transfer: DataTransfer | null): FileSystemEntry[] {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(transfer?.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  return entries;
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readBatch(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

/** Every file under the dropped entries, with its path relative to the drop (as webkitRelativePath). */
export async function filesOfEntries(entries: readonly FileSystemEntry[]): Promise<SetFileInput[]> {
  const out: SetFileInput[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile) {
      out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
      return;
    }
    if (!entry.isDirectory) return;
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns at most ~100 entries per call; an empty batch means the end.
    for (let batch = await readBatch(reader); batch.length > 0; batch = await readBatch(reader)) {
      for (const child of batch) await walk(child, path);
    }
  };
  for (const entry of entries) await walk(entry, '');
  return out;
}

/** Many files at once that name their ranks, plus something named like a strategy file. */
export function looksLikeDistributedSet(names: readonly string[]): boolean {
  const ranked = names.filter((name) => /\.(ckpt|safetensors)$/i.test(name) && rankFromPath(name) !== undefined);
  const strategy = names.some((name) => /strateg/i.test(name) && /\.(ckpt|json|pb)$/i.test(name));
  return ranked.length >= 2 && strategy;
}
