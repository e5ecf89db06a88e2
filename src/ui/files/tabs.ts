import type { KeyboardEvent } from 'react';

/**
 * Arrow keys of the WAI-ARIA tabs pattern (automatic activation): Left/Right move to the
 * previous/next tab (wrapping), Home/End to the first/last; the new tab is selected and focused.
 * Returns whether the key was one of those.
 */
export function moveBetweenTabs(
  event: KeyboardEvent<HTMLElement>,
  ids: readonly string[],
  activeId: string,
  select: (id: string) => void,
): boolean {
  const at = ids.indexOf(activeId);
  const last = ids.length - 1;
  const to =
    event.key === 'ArrowRight'
      ? at >= last
        ? 0
        : at + 1
      : event.key === 'ArrowLeft'
        ? at <= 0
          ? last
          : at - 1
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? last
            : -1;
  if (to < 0 || ids.length === 0) return false;
  event.preventDefault();
  select(ids[to] as string);
  event.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')[to]?.focus();
  return true;
}
