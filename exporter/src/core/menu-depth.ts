// How deep into a code's menu a dialog went: the number of menu inputs the subscriber typed
// (log-formats.md, field `menu`: inputs joined by `*`, empty when none). A bounded label for
// the menu funnel and a feature of the learned second opinion.

/** Depths at or past this are one bucket, `6+`: menus are rarely deeper, and labels stay bounded. */
export const MAX_MENU_DEPTH = 6;
export const MENU_DEPTHS: readonly string[] = [...Array.from({ length: MAX_MENU_DEPTH }, (_, i) => String(i)), `${MAX_MENU_DEPTH}+`];

const STAR = 42;
const SPACE = 32;

/** The number of inputs in a menu field, without allocating: `` 0, `1` 1, `1*2` 2, ` 1*2 ` 2. */
export function menuDepth(menu: string): number {
  let start = 0;
  let end = menu.length;
  while (start < end && menu.charCodeAt(start) <= SPACE) start++;
  while (end > start && menu.charCodeAt(end - 1) <= SPACE) end--;
  if (start === end) return 0;
  let depth = 1;
  for (let i = start; i < end; i++) if (menu.charCodeAt(i) === STAR) depth++;
  return depth;
}

/** The position of a depth in MENU_DEPTHS. */
export function menuDepthBucket(depth: number): number {
  return depth < MAX_MENU_DEPTH ? depth : MAX_MENU_DEPTH;
}
