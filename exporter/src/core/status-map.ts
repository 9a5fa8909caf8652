// The status map: gateway status -> (class, cause), with the conditions classification.md
// attaches to some statuses expressed as fields of a rule, so a vendor's map is pure data
// (read and validated by config/status-map-file.ts). A rule's conditions are tried in this
// order, the first that holds wins: map_errors (the dialog's map_error is listed),
// when_unknown_code (the dialed string is not in the catalogue), when_slow (app_ms above the
// code's slow_ms); otherwise `outcome`.
import type { Outcome } from './outcome.js';

export interface StatusRule {
  /** The status as written in the map, upper-cased. */
  readonly status: string;
  readonly outcome: Outcome;
  readonly whenSlow: Outcome | null;
  readonly whenUnknownCode: Outcome | null;
  readonly mapErrors: ReadonlyMap<number, Outcome> | null;
}

export class StatusMap {
  constructor(readonly rules: ReadonlyMap<string, StatusRule>) {}

  /** The rule for a status as logged: matched after trimming, case-insensitively. */
  rule(status: string): StatusRule | undefined {
    // Gateways nearly always log the canonical spelling: try it before paying for a copy.
    return this.rules.get(status) ?? this.rules.get(status.trim().toUpperCase());
  }
}
