import { useEffect, useState, type ReactNode } from 'react';
import { openFiles } from '../../store/actions';
import { offerSet, openSetFromFiles } from '../../store/distributed';
import { droppedEntries, filesOfEntries, looksLikeDistributedSet } from '../distributed/dropped';

/** The whole window accepts dropped files; an overlay says so while dragging. */
export function DropZone({ children }: { children: ReactNode }) {
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const hasFiles = (event: DragEvent): boolean => Array.from(event.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (event: DragEvent): void => {
      if (!hasFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const onLeave = (): void => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onOver = (event: DragEvent): void => {
      if (hasFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent): void => {
      event.preventDefault();
      depth = 0;
      setDragging(false);
      // A dropped folder is a distributed set (rank_N folders); its entries must be taken now.
      const entries = droppedEntries(event.dataTransfer);
      if (entries.some((entry) => entry.isDirectory)) {
        void filesOfEntries(entries).then(openSetFromFiles);
        return;
      }
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (looksLikeDistributedSet(files.map((file) => file.name)))
        offerSet(files.map((file) => ({ path: file.name, file })));
      else if (files.length > 0) openFiles(files);
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return (
    <>
      {children}
      {dragging && (
        <div className="drop-overlay" aria-live="polite">
          <div>
            Drop .ckpt, .safetensors or PyTorch .pt/.pth/.bin files to inspect them — nothing leaves this computer.
          </div>
        </div>
      )}
    </>
  );
}
