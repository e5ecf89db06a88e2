import type { ParameterPlan, RankHolding } from '../../core/distributed';
import { plural } from '../../base/plural';

/**
 * A parameter's layout as a picture: each pipeline stage's device matrix as a grid of ranks,
 * coloured by the block of the full tensor they hold (replicas share a colour), beside the full
 * tensor cut into those blocks and labelled with their ranks.
 */

const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

export function blockColour(index: number): string {
  if (index < PALETTE.length) return PALETTE[index] as string;
  // Beyond the palette: spread hues by the golden angle so neighbours differ.
  return `hsl(${Math.round((index * 137.508) % 360)} 55% 55%)`;
}

const CELL = 34;
const GAP = 3;
const MAX_LABELLED_CELLS = 256;

interface Block {
  key: string;
  index: number;
  holding: RankHolding;
  ranks: number[];
}

/** Distinct boxes in order of their first holder; each gets a colour. */
function blocksOf(plan: ParameterPlan): { blocks: Block[]; byRank: Map<number, Block> } {
  const byKey = new Map<string, Block>();
  const byRank = new Map<number, Block>();
  for (const holding of [...plan.holdings].sort((a, b) => a.rank - b.rank)) {
    const key = JSON.stringify(holding.box);
    let block = byKey.get(key);
    if (!block) {
      block = { key, index: byKey.size, holding, ranks: [] };
      byKey.set(key, block);
    }
    block.ranks.push(holding.rank);
    byRank.set(holding.rank, block);
  }
  return { blocks: [...byKey.values()], byRank };
}

/** Grid shape of one stage: the last device axis across, every other axis folded into rows. */
function gridShape(devMatrix: readonly number[], deviceCount: number): { columns: number; rows: number } {
  const columns = Math.max(1, devMatrix[devMatrix.length - 1] ?? deviceCount);
  return { columns, rows: Math.max(1, Math.ceil(deviceCount / columns)) };
}

function shortRanks(ranks: readonly number[]): string {
  const parts: string[] = [];
  let start = ranks[0];
  let previous = ranks[0];
  for (const rank of [...ranks.slice(1), Number.NaN]) {
    if (start === undefined || previous === undefined) break;
    if (rank === previous + 1) {
      previous = rank;
      continue;
    }
    parts.push(
      start === previous ? `${start}` : previous === start + 1 ? `${start},${previous}` : `${start}–${previous}`,
    );
    start = rank;
    previous = rank;
  }
  return parts.join(',');
}

export function LayoutPicture({ plan }: { plan: ParameterPlan }) {
  const { blocks, byRank } = blocksOf(plan);
  const devMatrix = plan.layout?.devMatrix ?? [];
  const stages = plan.stages.length > 0 ? plan.stages : [0];
  const deviceCount = Math.max(1, plan.deviceCount);
  const { columns, rows } = gridShape(devMatrix, deviceCount);
  const labelled = deviceCount * stages.length <= MAX_LABELLED_CELLS;
  const cell = labelled ? CELL : 12;
  const gridWidth = columns * (cell + GAP);
  const gridHeight = rows * (cell + GAP);
  const stageHeight = gridHeight + 22;
  const devicesHeight = stages.length * stageHeight;

  // The full tensor: dim 0 down, the other dims' blocks across (row-major), as a schematic.
  const fullShape = plan.fullShape ?? plan.sliceShape ?? [];
  const tensorX = gridWidth + 60;
  const tensorWidth = 260;
  const tensorHeight = fullShape.length >= 2 ? Math.min(200, Math.max(60, devicesHeight - 22)) : 40;
  const height = Math.max(devicesHeight, tensorHeight + 40) + 8;
  const width = tensorX + tensorWidth + 10;

  const rowsOf = (holding: RankHolding): [number, number] => {
    if (fullShape.length < 2) return [0, 1];
    const [start, stop] = holding.box[0] ?? [0, 1];
    const total = fullShape[0] ?? 1;
    return [start / Math.max(1, total), stop / Math.max(1, total)];
  };
  const columnsOf = (holding: RankHolding): [number, number] => {
    const dims = fullShape.length < 2 ? holding.box : holding.box.slice(1);
    const shape = fullShape.length < 2 ? fullShape : fullShape.slice(1);
    // Row-major position of the box over the trailing dims, as a fraction of their product.
    let start = 0;
    let size = 1;
    for (let d = 0; d < shape.length; d += 1) {
      const extent = Math.max(1, shape[d] ?? 1);
      const [s, e] = dims[d] ?? [0, extent];
      start = start + (s / extent) * size;
      size = size * ((e - s) / extent);
    }
    return [start, start + size];
  };

  const mergedRanks = plan.holdings.filter((h) => h.source).length;
  const holdingOf = new Map(plan.holdings.map((h) => [h.rank, h]));
  // Replicas the replica check found different from the slice the merge reads.
  const differing = new Set(plan.problems.filter((p) => p.code === 'replicas-differ').flatMap((p) => p.ranks ?? []));
  const label =
    `Layout of ${plan.name}: device matrix ${devMatrix.length > 0 ? devMatrix.join('×') : '—'}` +
    `${stages.length > 1 ? ` in ${stages.length} pipeline stages` : ''}, ${plural(plan.holdings.length, 'rank holds', 'ranks hold')} ` +
    `${blocks.length} distinct block${blocks.length === 1 ? '' : 's'}` +
    `${blocks.length > 0 ? ` (${Math.round(plan.holdings.length / blocks.length)} replica${plan.holdings.length / blocks.length === 1 ? '' : 's'} each)` : ''}; ` +
    `full shape [${fullShape.join(', ')}] split ${plan.split.join('×') || '1'}; the merge reads ${mergedRanks} rank${mergedRanks === 1 ? '' : 's'}.`;

  return (
    <figure className="layout-picture" data-testid="layout-picture">
      <svg
        role="img"
        aria-label={label}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        data-testid="layout-svg"
      >
        {stages.map((stage, s) => {
          const top = s * stageHeight;
          return (
            <g key={stage} transform={`translate(0 ${top})`}>
              <text x={0} y={12} className="layout-caption">
                {stages.length > 1 ? `stage ${stage}: ` : ''}devices{' '}
                {devMatrix.length > 0 ? devMatrix.join('×') : deviceCount}
              </text>
              {Array.from({ length: deviceCount }, (_, local) => {
                const rank = stage * deviceCount + local;
                const holding = holdingOf.get(rank);
                const block = byRank.get(rank);
                const x = (local % columns) * (cell + GAP);
                const y = 18 + Math.floor(local / columns) * (cell + GAP);
                const present = holding?.present ?? false;
                return (
                  <g key={rank} data-testid="rank-cell" data-rank={rank}>
                    <title>
                      {`rank ${rank}${holding ? `: block [${holding.box.map(([a, b]) => `${a}:${b}`).join(', ')}]` : ''}${present ? '' : ' — file missing'}${holding?.source ? ' — the merge reads this one' : ''}${differing.has(rank) ? ' — differs from its replica' : ''}`}
                    </title>
                    <rect
                      x={x}
                      y={y}
                      width={cell}
                      height={cell}
                      rx={4}
                      fill={block ? blockColour(block.index) : 'none'}
                      fillOpacity={present ? 0.85 : 0.2}
                      stroke={differing.has(rank) ? 'var(--error)' : holding?.source ? 'var(--text)' : 'var(--border)'}
                      strokeWidth={holding?.source || differing.has(rank) ? 2.5 : 1}
                      strokeDasharray={present ? undefined : '3 2'}
                    />
                    {labelled && (
                      <text x={x + cell / 2} y={y + cell / 2 + 4} textAnchor="middle" className="layout-rank">
                        {rank}
                      </text>
                    )}
                  </g>
                );
              })}
            </g>
          );
        })}
        <text x={gridWidth + 14} y={18 + tensorHeight / 2 + 4} className="layout-caption">
          →
        </text>
        <g transform={`translate(${tensorX} 0)`}>
          <text x={0} y={12} className="layout-caption">
            full [{fullShape.join(', ')}] · split {plan.split.join('×') || '1'}
          </text>
          {blocks.map((block) => {
            const [r0, r1] = rowsOf(block.holding);
            const [c0, c1] = columnsOf(block.holding);
            const x = c0 * tensorWidth;
            const y = 18 + r0 * tensorHeight;
            const w = Math.max(2, (c1 - c0) * tensorWidth);
            const h = Math.max(2, (r1 - r0) * tensorHeight);
            const text = `r${shortRanks(block.ranks)}`;
            const fits = w >= text.length * 7 && h >= 14;
            return (
              <g key={block.key} data-testid="tensor-block">
                <title>{`[${block.holding.box.map(([a, b]) => `${a}:${b}`).join(', ')}] held by ranks ${block.ranks.join(', ')}`}</title>
                <rect
                  x={x}
                  y={y}
                  width={w}
                  height={h}
                  fill={blockColour(block.index)}
                  fillOpacity={0.85}
                  stroke="var(--panel)"
                  strokeWidth={1}
                />
                {fits && (
                  <text x={x + w / 2} y={y + h / 2 + 4} textAnchor="middle" className="layout-block-label">
                    {text}
                  </text>
                )}
              </g>
            );
          })}
          <rect x={0} y={18} width={tensorWidth} height={tensorHeight} fill="none" stroke="var(--text)" />
        </g>
      </svg>
      <figcaption className="muted">
        Each square is a rank (stage-local position in the device matrix, last axis across); squares of one colour hold
        the same block. Bold outline: the rank the merge reads; dashed: its file is missing
        {differing.size > 0 ? '; red: a replica whose bytes differ' : ''}.
      </figcaption>
    </figure>
  );
}
