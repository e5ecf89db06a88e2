import { useMemo } from 'react';
import type { ColumnarIndex } from '../../base/tensor-columns';
import { buildTree, formatBytes, type TreeNode } from '../../core/summary';
import { setTreePrefix } from '../../store/actions';
import { useLensStore } from '../../store/store';
import { squarify, type Placed } from './treemap-layout';

const WIDTH = 880;
const HEIGHT = 360;
const HEADER = 18;
const PAD = 2;

/** Skip chains of single-child modules (`network.backbone.…`) so the map starts where it branches. */
function branching(node: TreeNode): TreeNode {
  let current = node;
  while (current.children.length === 1 && (current.children[0] as TreeNode).children.length > 0)
    current = current.children[0] as TreeNode;
  return current;
}

function fits(text: string, width: number): string | null {
  const chars = Math.floor((width - 6) / 6.6);
  if (chars < 3) return null;
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

function Box({
  placed,
  depth,
  active,
  rootPath,
}: {
  placed: Placed<TreeNode>;
  depth: number;
  active: string;
  /** Path of the node the map starts at; top boxes are labelled relative to it. */
  rootPath: string;
}) {
  const node = placed.item;
  const share = `${node.path}: ${formatBytes(node.totalBytes)}, ${node.parameterCount} parameter${node.parameterCount === 1 ? '' : 's'}`;
  const isActive = active !== '' && node.path === active;
  const relative = rootPath && node.path.startsWith(`${rootPath}.`) ? node.path.slice(rootPath.length + 1) : node.path;
  const label = fits(depth === 1 ? relative : node.label, placed.width);
  const children =
    depth === 1 && node.children.length > 0 && placed.height > HEADER + 8 && placed.width > 12
      ? squarify(node.children, (child) => child.totalBytes, {
          x: placed.x + PAD,
          y: placed.y + HEADER,
          width: Math.max(0, placed.width - 2 * PAD),
          height: Math.max(0, placed.height - HEADER - PAD),
        })
      : [];
  return (
    <g className={`treemap-node depth-${depth}${isActive ? ' active' : ''}`}>
      <rect
        x={placed.x}
        y={placed.y}
        width={Math.max(0, placed.width)}
        height={Math.max(0, placed.height)}
        tabIndex={0}
        role="button"
        aria-label={`Show ${share} in the parameter table`}
        data-testid="treemap-box"
        data-path={node.path}
        onClick={(event) => {
          event.stopPropagation();
          setTreePrefix(node.path);
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            setTreePrefix(node.path);
          }
        }}
      >
        <title>{share}</title>
      </rect>
      {label && placed.height > 13 && (
        <text x={placed.x + 4} y={placed.y + 13} className="treemap-label">
          {label}
        </text>
      )}
      {children.map((child) => (
        <Box key={child.item.path} placed={child} depth={depth + 1} active={active} rootPath={rootPath} />
      ))}
    </g>
  );
}

/** Which modules hold the bytes: a squarified treemap of the dotted-name tree, two levels deep. */
export function Treemap({ index }: { index: ColumnarIndex }) {
  const active = useLensStore((state) => state.view.treePrefix);
  const { tensors } = index;
  const root = useMemo(() => branching(buildTree(tensors)), [tensors]);
  const placed = useMemo(
    () => squarify(root.children, (child) => child.totalBytes, { x: 0, y: 0, width: WIDTH, height: HEIGHT }),
    [root],
  );
  const top = [...root.children].sort((a, b) => b.totalBytes - a.totalBytes).slice(0, 5);
  const total = Math.max(1, root.totalBytes);
  const label =
    `Size treemap of ${formatBytes(root.totalBytes)}${root.path ? ` under ${root.path}` : ''}: ` +
    top.map((node) => `${node.path} ${((100 * node.totalBytes) / total).toFixed(1)}%`).join(', ');
  return (
    <figure className="numbers-chart treemap" data-testid="treemap">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="group" aria-label={label} className="treemap-svg">
        {placed.map((box) => (
          <Box key={box.item.path} placed={box} depth={1} active={active} rootPath={root.path} />
        ))}
      </svg>
      <figcaption>
        Box area is bytes on disk. Click a module to show only its parameters in the Parameters table
        {active ? (
          <>
            {' '}
            (now: <code>{active}</code>{' '}
            <button type="button" className="link-button" onClick={() => setTreePrefix('')}>
              show all
            </button>
            )
          </>
        ) : null}
        .
      </figcaption>
    </figure>
  );
}
