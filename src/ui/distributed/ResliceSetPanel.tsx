import { useState } from 'react';
import { FormatChoice } from '../common/FormatChoice';
import { serializeError } from '../../base/errors';
import { formatBytes } from '../../core/summary';
import { readResliceStrategy, resliceSet, useDistributed } from '../../store/distributed';
import type { OpenSetResult, ResliceStrategyInfo, SetResliceResult } from '../../workers/wire';
import { downloadBlob } from '../common/download';
import { ErrorPanel } from '../errors/ErrorPanel';
import { JobProgress, useJob } from '../common/useJob';
import { parseProcessCount, ProcessCount } from './ProcessCount';
import { plural } from '../../base/plural';
import { WORKER_COUNT_INVALID } from '../../core/messages';

type Format = 'ckpt' | 'safetensors';

interface PickerWindow {
  showDirectoryPicker?: (options?: object) => Promise<FileSystemDirectoryHandle>;
}

/** A download cannot create folders, so `rank_3/net.ckpt` becomes `rank_3_net.ckpt`. */
export function downloadNameOf(fileName: string): string {
  return fileName.replace(/[\\/]+/g, '_');
}

/**
 * "Re-slice for another strategy": load_distributed_checkpoint's save mode. The open set's merged
 * tensors are cut for a target (predict) strategy, one checkpoint per rank, in the worker.
 */
export function ResliceSetPanel({ result }: { result: OpenSetResult }) {
  const setId = useDistributed((state) => state.setId);
  const name = useDistributed((state) => state.name);
  const [strategyFile, setStrategyFile] = useState<File | null>(null);
  const [strategy, setStrategy] = useState<ResliceStrategyInfo | null>(null);
  const [rank, setRank] = useState<string>('all');
  const [format, setFormat] = useState<Format>('safetensors');
  const job = useJob();
  const { error, setError } = job;
  const [processText, setProcessText] = useState('');
  const [allowIncomplete, setAllowIncomplete] = useState(false);
  const [outcome, setOutcome] = useState<SetResliceResult | null>(null);
  const pickers = window as unknown as PickerWindow;
  const canSaveToFolder = typeof pickers.showDirectoryPicker === 'function';

  async function pickStrategy(file: File | undefined): Promise<void> {
    setError(null);
    setOutcome(null);
    setStrategy(null);
    setStrategyFile(file ?? null);
    if (!file) return;
    try {
      const info = await readResliceStrategy(file, file.name);
      setStrategy(info);
      setRank((current) => (current === 'all' || info.ranks.includes(Number(current)) ? current : 'all'));
    } catch (e) {
      setError(serializeError(e));
    }
  }

  async function run(target: 'download' | 'folder'): Promise<void> {
    if (!setId || !strategyFile || !strategy) return;
    setError(null);
    setOutcome(null);
    const processes = parseProcessCount(processText);
    if (processes === undefined) {
      setError({
        code: 'usage',
        details: { hint: WORKER_COUNT_INVALID },
        message: 'bad worker count',
      });
      return;
    }
    let folder: FileSystemDirectoryHandle | undefined;
    if (target === 'folder') {
      try {
        folder = await pickers.showDirectoryPicker?.({ mode: 'readwrite' });
      } catch {
        return; // the user closed the dialog
      }
      if (!folder) return;
    }
    const written = await job.start((options) =>
      resliceSet(
        {
          setId,
          strategyFile,
          strategyName: strategyFile.name,
          rank: rank === 'all' ? null : Number(rank),
          format,
          processes,
          allowIncomplete,
          ...(folder ? { target: folder } : {}),
        },
        options,
      ),
    );
    if (!written) return; // the error is shown
    for (const output of written.outputs) if (output.blob) downloadBlob(output.blob, downloadNameOf(output.fileName));
    setOutcome(written);
  }

  const ready = setId !== null && strategy !== null && job.running === null && result.mergedCount > 0;
  return (
    <section className="panel export-panel reslice-panel" data-testid="set-reslice">
      <h2>Re-slice for another strategy</h2>
      <p className="muted">
        Cut the merged tensors of this set for a target (e.g. predict) strategy, as MindSpore&apos;s
        load_distributed_checkpoint save mode does: one checkpoint per rank,{' '}
        <code>rank_&lt;r&gt;/net.&lt;format&gt;</code>. Parameters the strategy does not list are copied whole into
        every rank.
      </p>
      <div className="export-grid">
        <fieldset>
          <legend>Target strategy</legend>
          <label>
            strategy file{' '}
            <input
              type="file"
              accept=".ckpt,.json"
              onChange={(e) => void pickStrategy(e.target.files?.[0])}
              data-testid="reslice-strategy-input"
              aria-label="Target strategy file"
            />
          </label>
          {strategy && (
            <p data-testid="reslice-strategy-info">
              {strategyFile?.name}: {strategy.ranks.length} rank{strategy.ranks.length === 1 ? '' : 's'},{' '}
              {strategy.layoutCount} parameter layouts ({strategy.encoding === 'json' ? 'JSON' : 'protobuf'}).
            </p>
          )}
        </fieldset>
        <fieldset>
          <legend>What to write</legend>
          <label>
            rank{' '}
            <select
              value={rank}
              onChange={(e) => setRank(e.target.value)}
              disabled={!strategy}
              data-testid="reslice-rank"
              aria-label="Target rank"
            >
              <option value="all">all ranks{strategy ? ` (${strategy.ranks.length})` : ''}</option>
              {(strategy?.ranks ?? []).map((r) => (
                <option key={r} value={String(r)}>
                  rank {r}
                </option>
              ))}
            </select>
          </label>
          <FormatChoice name="reslice-format" value={format} onChange={setFormat} order={['safetensors', 'ckpt']} />
          <ProcessCount value={processText} onChange={setProcessText} testId="reslice-processes" />
          <label>
            <input
              type="checkbox"
              checked={allowIncomplete}
              onChange={(e) => setAllowIncomplete(e.target.checked)}
              data-testid="reslice-allow-incomplete"
            />{' '}
            write without them: parameters the target strategy lists but this set lacks are left out (otherwise refused)
          </label>
        </fieldset>
      </div>
      <p className="muted">
        A browser download cannot create folders, so each rank downloads as <code>rank_&lt;r&gt;_net.{format}</code>
        {canSaveToFolder ? (
          <>
            ; <strong>Save to folder…</strong> writes <code>rank_&lt;r&gt;/net.{format}</code> instead.
          </>
        ) : (
          <>
            ; move each into a <code>rank_&lt;r&gt;</code> folder as <code>net.{format}</code>.
          </>
        )}
      </p>
      <div className="export-actions">
        {canSaveToFolder && (
          <button type="button" disabled={!ready} onClick={() => void run('folder')} data-testid="reslice-save-folder">
            Save to folder…
          </button>
        )}
        <button
          type="button"
          className="primary"
          disabled={!ready}
          onClick={() => void run('download')}
          data-testid="reslice-download"
        >
          Re-slice
        </button>
        <JobProgress job={job.running} label="Re-slice progress" cancelTestId="reslice-cancel" />
      </div>
      {error && <ErrorPanel error={error} fileName={strategyFile?.name ?? name} />}
      {outcome && (
        <div className="export-result" data-testid="reslice-result">
          <p>
            Wrote {outcome.outputs.length} rank file{outcome.outputs.length === 1 ? '' : 's'}:{' '}
            {outcome.outputs
              .map(
                (o) =>
                  `${o.blob ? downloadNameOf(o.fileName) : o.fileName} (${plural(o.tensors, 'tensor')}, ${formatBytes(o.size)})`,
              )
              .join(', ')}
            {outcome.processes > 1 ? ` on ${outcome.processes} workers` : ''}.
          </p>
        </div>
      )}
    </section>
  );
}
