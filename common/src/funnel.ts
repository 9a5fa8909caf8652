// The menu funnel of one code: from the dialogs counted by the menu depth they ended at and
// how they ended (ussd_menu_dialogs_total), how many reached each depth and what became of
// them there. A dialog that ended at depth d passed through every depth before it. The
// app's short-code page and the reports both show it.

/** The exporter's depth labels, shallowest first (exporter/src/core/menu-depth.ts). */
export const FUNNEL_DEPTHS = ['0', '1', '2', '3', '4', '5', '6+'] as const;

export interface FunnelRow {
  depth: string;
  /** Dialogs that got this deep: ended here or deeper. */
  reached: number;
  completed: number;
  abandoned: number;
  /** User errors other than walking away (invalid input, subscriber state). */
  userErrors: number;
  internalErrors: number;
  unclassified: number;
  /** Of those that reached this depth, the share that walked away here, and that failed here (user or internal). */
  abandonShare: number;
  failShare: number;
}

/** depth -> outcome -> count (from `sum by (depth, outcome)`); rows down to the deepest depth any dialog reached. */
export function funnelRows(byDepth: Map<string, Map<string, number>>): FunnelRow[] {
  const at = (depth: string, outcome: string) => byDepth.get(depth)?.get(outcome) ?? 0;
  const ended = FUNNEL_DEPTHS.map((d) => [...(byDepth.get(d)?.values() ?? [])].reduce((a, b) => a + b, 0));
  const deepest = ended.reduce((last, n, i) => (n > 0 ? i : last), -1);
  let reached = ended.reduce((a, b) => a + b, 0);
  const rows: FunnelRow[] = [];
  for (let i = 0; i <= deepest; i++) {
    const d = FUNNEL_DEPTHS[i];
    const userErrors = at(d, 'user_error');
    const internalErrors = at(d, 'internal_error');
    const abandoned = at(d, 'abandoned');
    rows.push({
      depth: d,
      reached,
      completed: at(d, 'completed'),
      abandoned,
      userErrors,
      internalErrors,
      unclassified: at(d, 'unclassified'),
      abandonShare: reached > 0 ? abandoned / reached : NaN,
      failShare: reached > 0 ? (userErrors + internalErrors) / reached : NaN,
    });
    reached -= ended[i];
  }
  return rows;
}
