import { useDistributed } from '../store/distributed';
import { useLensStore } from '../store/store';
import { DistributedView } from '../ui/distributed/DistributedView';
import { DropZone } from '../ui/drop/DropZone';
import { OpenControls } from '../ui/drop/OpenControls';
import { ActiveFileView } from '../ui/files/FileView';
import { FileTabs } from '../ui/files/FileTabs';
import { ErrorBoundary } from './ErrorBoundary';

export function App() {
  const hasFiles = useLensStore((state) => state.files.length > 0);
  const showSet = useDistributed((state) => state.visible);
  return (
    <DropZone>
      <header className="app-header">
        <h1>
          Ckpt Lens <span className="muted">— look inside MindSpore checkpoints</span>
        </h1>
        {(hasFiles || showSet) && <OpenControls />}
      </header>
      <main>
        <FileTabs />
        <ErrorBoundary>
          {showSet ? (
            <DistributedView />
          ) : hasFiles ? (
            <ActiveFileView />
          ) : (
            <section className="welcome panel">
              <h2>Drop a .ckpt, .safetensors or PyTorch .pt file anywhere on this page</h2>
              <p>
                Files are read in place by a worker in this tab — nothing is uploaded, and the page makes no network
                requests. Multi-GB files open in moments because only headers are read.
              </p>
              <OpenControls large />
            </section>
          )}
        </ErrorBoundary>
      </main>
    </DropZone>
  );
}
