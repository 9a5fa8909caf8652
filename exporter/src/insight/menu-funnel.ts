// The menu funnel: dialogs of each catalogue code counted by the menu depth they ended at
// and how they ended, so a query can show where subscribers abandon or fail
// (ussd_menu_dialogs_total, docs: shared/spec/metrics.md and exporter/README.md).
// A code's 35 series (7 depths x 5 outcomes) are created together, at zero, when its first
// dialog is seen: at start-up for every code, a 500-code catalogue would add 17,500 series
// to every scrape.
import { MENU_DEPTHS } from '../core/menu-depth.js';
import type { Classification } from '../core/types.js';
import { counter, type Exposition, type Series } from '../serve/exposition.js';

export const FUNNEL_OUTCOMES = ['completed', 'abandoned', 'user_error', 'internal_error', 'unclassified'] as const;

export function funnelOutcome(c: Classification): number {
  switch (c.cls) {
    case 'ok':
      return 0;
    case 'user':
      return c.cause === 'abandoned' ? 1 : 2;
    case 'internal':
      return 3;
    default:
      return 4;
  }
}

export class MenuFunnel {
  private readonly family = counter(
    'ussd_menu_dialogs_total',
    'Dialogs of catalogue codes by the menu depth they ended at (menu inputs typed, 6+ for six or more) and outcome (completed, abandoned, user_error, internal_error, unclassified).',
    ['short_code', 'depth', 'outcome'],
  );
  /** By code: by outcome, the series by depth bucket. */
  private readonly byCode = new Map<string, Series[][]>();

  constructor(
    exposition: Exposition,
    private codes: ReadonlySet<string>,
  ) {
    exposition.add(this.family);
  }

  /** After a reload: the series of codes that left the catalogue go; new codes start at their first dialog. */
  setCodes(codes: ReadonlySet<string>): void {
    this.codes = codes;
    for (const code of this.byCode.keys()) if (!codes.has(code)) this.byCode.delete(code);
    this.family.retain((v) => codes.has(v[0]));
  }

  /** The counters by depth bucket for dialogs of this classification; null for codes outside the catalogue. */
  depths(c: Classification): readonly Series[] | null {
    if (!this.codes.has(c.shortCode)) return null;
    let outcomes = this.byCode.get(c.shortCode);
    if (!outcomes) {
      outcomes = FUNNEL_OUTCOMES.map((o) => MENU_DEPTHS.map((d) => this.family.with(c.shortCode, d, o)));
      this.byCode.set(c.shortCode, outcomes);
    }
    return outcomes[funnelOutcome(c)];
  }
}
