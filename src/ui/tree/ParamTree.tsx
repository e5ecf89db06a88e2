import { memo, useState } from 'react';
import type { TreeNode } from '../../core/summary';
import { formatBytes } from '../../core/summary';
import { selectTensor, setTreePrefix } from '../../store/actions';

/** The parameter tree by dotted name, with subtotals; children render only when expanded. */
export function ParamTree({ root, activePrefix }: { root: TreeNode; activePrefix: string }) {
  return (
    <div className="param-tree" role="tree" aria-label="Parameter tree">
      <button
        type="button"
        className={activePrefix === '' ? 'tree-all active' : 'tree-all'}
        onClick={() => setTreePrefix('')}
      >
        All parameters{' '}
        <span className="muted">
          {root.parameterCount} · {formatBytes(root.totalBytes)}
        </span>
      </button>
      <ul role="group">
        {root.children.map((child) => (
          <TreeItem key={child.path + (child.tensorIndex ?? '')} node={child} depth={0} activePrefix={activePrefix} />
        ))}
      </ul>
    </div>
  );
}

const TreeItem = memo(function TreeItem({
  node,
  depth,
  activePrefix,
}: {
  node: TreeNode;
  depth: number;
  activePrefix: string;
}) {
  const isLeaf = node.tensorIndex !== undefined;
  const [open, setOpen] = useState(depth < 1 && node.children.length <= 50);
  if (isLeaf) {
    return (
      <li role="treeitem" aria-selected={false} className="tree-leaf">
        <button type="button" onClick={() => selectTensor(node.path)} title={node.path}>
          {node.label} <span className="muted">{formatBytes(node.totalBytes)}</span>
        </button>
      </li>
    );
  }
  return (
    <li role="treeitem" aria-expanded={open} aria-selected={activePrefix === node.path}>
      <div className={activePrefix === node.path ? 'tree-branch active' : 'tree-branch'}>
        <button
          type="button"
          className="twisty"
          aria-label={open ? `Collapse ${node.path}` : `Expand ${node.path}`}
          onClick={() => setOpen(!open)}
        >
          {open ? '▾' : '▸'}
        </button>
        <button type="button" onClick={() => setTreePrefix(node.path)} title={`Show only ${node.path}.*`}>
          {node.label}
          <span className="muted">
            {' '}
            {node.parameterCount} · {formatBytes(node.totalBytes)}
          </span>
        </button>
      </div>
      {open && (
        <ul role="group">
          {node.children.map((child) => (
            <TreeItem
              key={child.path + (child.tensorIndex ?? '')}
              node={child}
              depth={depth + 1}
              activePrefix={activePrefix}
            />
          ))}
        </ul>
      )}
    </li>
  );
});
