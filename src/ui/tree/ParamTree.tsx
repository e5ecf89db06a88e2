import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { TreeNode } from '../../core/summary';
import { formatBytes } from '../../core/summary';
import { selectTensor, setTreePrefix } from '../../store/actions';

/** One row of the tree as shown: the nodes of every expanded branch, in order. */
interface VisibleItem {
  key: string;
  node: TreeNode;
  level: number;
  parentKey: string | null;
  setSize: number;
  posInSet: number;
  /** undefined for leaves (tensors), which cannot expand. */
  expanded: boolean | undefined;
}

const ROOT_KEY = 'root';
const keyOf = (node: TreeNode): string => (node.tensorIndex !== undefined ? `t:${node.tensorIndex}` : `n:${node.path}`);

/** Top-level modules start open unless they hold many children; deeper ones start closed. */
const openByDefault = (node: TreeNode, level: number): boolean =>
  level === 1 || (level === 2 && node.children.length <= 50);

function visibleItems(root: TreeNode, expandedOverride: ReadonlyMap<string, boolean>): VisibleItem[] {
  const out: VisibleItem[] = [];
  const visit = (node: TreeNode, key: string, level: number, parentKey: string | null, pos: number, size: number) => {
    const isLeaf = node.tensorIndex !== undefined;
    const expanded = isLeaf ? undefined : (expandedOverride.get(key) ?? openByDefault(node, level));
    out.push({ key, node, level, parentKey, setSize: size, posInSet: pos, expanded });
    if (!expanded) return;
    const children = node.children;
    children.forEach((child, i) => visit(child, keyOf(child), level + 1, key, i + 1, children.length));
  };
  visit(root, ROOT_KEY, 1, null, 1, 1);
  return out;
}

/**
 * The parameter tree by dotted name, with subtotals: the WAI-ARIA tree pattern. One Tab stop
 * (roving tabindex); arrows move and open/close, Home/End jump, Enter/Space selects (a module
 * narrows the table to it, a tensor shows its details). Items are a flat list with aria-level,
 * so moving focus re-renders only the two items whose focus changed.
 */
export function ParamTree({
  root,
  activePrefix,
  selectedTensor,
}: {
  root: TreeNode;
  activePrefix: string;
  selectedTensor: string | null;
}) {
  const [expandedOverride, setExpandedOverride] = useState<ReadonlyMap<string, boolean>>(new Map());
  const [focusKey, setFocusKey] = useState(ROOT_KEY);
  const items = useMemo(() => visibleItems(root, expandedOverride), [root, expandedOverride]);
  const positionOf = useMemo(() => new Map(items.map((item, i) => [item.key, i])), [items]);
  // The focused item may have vanished (a filter, a collapsed parent): the root takes the Tab stop.
  const tabKey = positionOf.has(focusKey) ? focusKey : ROOT_KEY;
  const list = useRef<HTMLUListElement>(null);
  const moveFocus = useRef(false);

  useEffect(() => {
    if (!moveFocus.current) return;
    moveFocus.current = false;
    list.current?.querySelector<HTMLElement>(`[data-key="${CSS.escape(tabKey)}"]`)?.focus();
  }, [tabKey]);

  const setExpanded = (key: string, open: boolean): void =>
    setExpandedOverride((previous) => new Map(previous).set(key, open));
  const focusItem = (key: string): void => {
    moveFocus.current = true;
    setFocusKey(key);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLUListElement>): void => {
    const at = positionOf.get(tabKey);
    const item = at === undefined ? undefined : items[at];
    if (at === undefined || !item) return;
    let next: VisibleItem | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = items[at + 1];
        break;
      case 'ArrowUp':
        next = items[at - 1];
        break;
      case 'Home':
        next = items[0];
        break;
      case 'End':
        next = items[items.length - 1];
        break;
      case 'ArrowRight':
        if (item.expanded === false) setExpanded(item.key, true);
        else if (item.expanded) next = items[at + 1]?.parentKey === item.key ? items[at + 1] : undefined;
        break;
      case 'ArrowLeft':
        if (item.expanded) setExpanded(item.key, false);
        else if (item.parentKey !== null) next = items[positionOf.get(item.parentKey) ?? -1];
        break;
      case 'Enter':
      case ' ':
        activate(item.node);
        break;
      default:
        return;
    }
    event.preventDefault();
    if (next) focusItem(next.key);
  };

  return (
    <ul className="param-tree" role="tree" aria-label="Parameter tree" ref={list} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <TreeItem
          key={item.key}
          item={item}
          tabbable={item.key === tabKey}
          selected={
            item.node.tensorIndex !== undefined
              ? item.node.path === selectedTensor
              : item.key === ROOT_KEY
                ? activePrefix === ''
                : item.node.path === activePrefix
          }
          onFocusItem={setFocusKey}
          onToggle={setExpanded}
        />
      ))}
    </ul>
  );
}

function activate(node: TreeNode): void {
  if (node.tensorIndex !== undefined) selectTensor(node.path);
  else setTreePrefix(node.path);
}

const TreeItem = memo(function TreeItem({
  item,
  tabbable,
  selected,
  onFocusItem,
  onToggle,
}: {
  item: VisibleItem;
  tabbable: boolean;
  selected: boolean;
  onFocusItem: (key: string) => void;
  onToggle: (key: string, open: boolean) => void;
}) {
  const { node, key, expanded, level } = item;
  const label = item.key === ROOT_KEY ? 'All parameters' : node.label;
  const totals =
    node.tensorIndex !== undefined
      ? formatBytes(node.totalBytes)
      : `${node.parameterCount} · ${formatBytes(node.totalBytes)}`;
  return (
    <li
      role="treeitem"
      data-key={key}
      aria-level={level}
      aria-setsize={item.setSize}
      aria-posinset={item.posInSet}
      aria-expanded={expanded}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      className={`tree-item${selected ? ' active' : ''}${key === ROOT_KEY ? ' tree-all' : ''}`}
      style={{ paddingLeft: `${(level - 1) * 0.9}rem` }}
      title={node.tensorIndex !== undefined ? node.path : key === ROOT_KEY ? undefined : `Show only ${node.path}.*`}
      onFocus={(event) => {
        if (event.target === event.currentTarget) onFocusItem(key);
      }}
      onClick={() => activate(node)}
    >
      <span
        className="twisty"
        aria-hidden="true"
        onClick={(event) => {
          if (expanded === undefined) return;
          event.stopPropagation();
          onToggle(key, !expanded);
          (event.currentTarget.parentElement as HTMLElement).focus();
        }}
      >
        {expanded === undefined ? '' : expanded ? '▾' : '▸'}
      </span>
      <span className="tree-label" elementtiming={key === ROOT_KEY ? 'param-tree' : undefined}>
        {label}
      </span>{' '}
      <span className="muted">{totals}</span>
    </li>
  );
});
