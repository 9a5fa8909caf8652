// The classifier: one dialog -> (class, cause, short code, near code), the same code in
// the live exporter and in `ussdwatch classify`. Each Classification is built the first
// time a dialog needs it and reused after, so classifying a line allocates nothing.
import { causeInfo } from '@ussdwatch/common/causes.js';
import type { Catalogue, Resolution } from './catalogue.js';
import { ALL_OUTCOMES, UNKNOWN_STATUS, type Outcome } from './outcome.js';
import type { StatusMap, StatusRule } from './status-map.js';
import { CLASSES, NO_NEAR_CODE, UNKNOWN_CODE, type Cause, type Classification, type Dialog, type DialogClass } from './types.js';

/** Which part of a rule decided; explain() turns it into words. */
enum Branch {
  Outcome,
  MapError,
  UnknownCode,
  Slow,
}

export class Classifier {
  /** Every Classification returned so far, each once: classifyIndex() gives a position in it. */
  private readonly interned: Classification[] = [];
  private readonly internedByKey = new Map<string, number>();
  /**
   * By Resolution index * ALL_OUTCOMES.length + outcome id: a position in `interned`, or -1
   * until a dialog first needs it. Filled lazily: a 100,000-code catalogue has 1.3 million
   * pairs, and building them all up front took seconds and hundreds of MB for pairs most
   * runs never meet.
   */
  private readonly table: Int32Array;

  constructor(
    private readonly catalogue: Catalogue,
    private readonly statusMap: StatusMap,
  ) {
    this.table = new Int32Array(catalogue.resolutionCount * ALL_OUTCOMES.length).fill(-1);
  }

  classify(d: Dialog): Classification {
    return this.interned[this.classifyIndex(d)];
  }

  /**
   * The position of classify(d) among the classifications (see classification()). A caller
   * that keeps per-classification data in an array indexed by it never reads the object on
   * the per-line path: measured in `classify`, that alone was ~9 % of the CPU time per line.
   */
  classifyIndex(d: Dialog): number {
    const res = this.catalogue.resolve(d.ussd);
    const rule = this.statusMap.rule(d.status);
    const outcome = rule ? outcomeOf(rule, branchOf(rule, d, res), d) : UNKNOWN_STATUS;
    const at = res.index * ALL_OUTCOMES.length + outcome.id;
    const i = this.table[at];
    return i >= 0 ? i : (this.table[at] = this.intern(res, outcome));
  }

  /** The Classification at a position classifyIndex() returned. */
  classification(index: number): Classification {
    return this.interned[index];
  }

  /** One object per (outcome, short code, near code), whichever resolutions lead to it. */
  private intern(res: Resolution, o: Outcome): number {
    const nearCode = o.cause === 'wrong_code' ? res.nearCode : null;
    const key = `${o.name} ${res.shortCode} ${nearCode}`;
    let i = this.internedByKey.get(key);
    if (i === undefined) {
      this.internedByKey.set(key, (i = this.interned.length));
      this.interned.push(Object.freeze({ cls: o.cls, cause: o.cause, shortCode: res.shortCode, nearCode }));
    }
    return i;
  }

  /** The human reason for a classification, for the events API and `classify` users. */
  explain(d: Dialog, c: Classification): string {
    const res = this.catalogue.resolve(d.ussd);
    const rule = this.statusMap.rule(d.status);
    const status = d.status.trim();
    if (!rule) return `status "${status}" is not in the status map, so it is counted as ${c.cls}/${c.cause}`;
    const why = causeInfo(c.cause).text;
    switch (branchOf(rule, d, res)) {
      case Branch.MapError:
        return `status ${status} with map_error ${d.mapError}: ${why}`;
      case Branch.UnknownCode: {
        const near = res.nearCode === NO_NEAR_CODE ? 'not one edit from any code' : `one edit from ${res.nearCode}`;
        return `${status} for ${d.ussd.trim()}, not in the catalogue (${near})`;
      }
      case Branch.Slow:
        return `${status} but app response ${d.appMs} ms > slow threshold ${res.slowMs} ms for ${res.shortCode}`;
      default:
        return `status ${status}: ${why}`;
    }
  }

  /** Every (class, cause) a dialog of this short code (catalogue code or 'unknown') can get. */
  outcomesFor(shortCode: string): ReadonlyArray<{ cls: DialogClass; cause: Cause }> {
    const unknown = shortCode === UNKNOWN_CODE || this.catalogue.get(shortCode) === undefined;
    const seen = new Set<Outcome>([UNKNOWN_STATUS]);
    for (const rule of this.statusMap.rules.values()) {
      for (const o of rule.mapErrors?.values() ?? []) seen.add(o);
      if (unknown && rule.whenUnknownCode) {
        seen.add(rule.whenUnknownCode);
        continue; // every dialog of an unknown code takes that branch
      }
      seen.add(rule.outcome);
      if (rule.whenSlow) seen.add(rule.whenSlow);
    }
    return [...seen]
      .sort((a, b) => CLASSES.indexOf(a.cls) - CLASSES.indexOf(b.cls) || a.id - b.id)
      .map((o) => ({ cls: o.cls, cause: o.cause }));
  }
}

function branchOf(rule: StatusRule, d: Dialog, res: Resolution): Branch {
  if (rule.mapErrors !== null && d.mapError !== null && rule.mapErrors.has(d.mapError)) return Branch.MapError;
  if (rule.whenUnknownCode !== null && res.entry === undefined) return Branch.UnknownCode;
  if (rule.whenSlow !== null && d.appMs !== null && d.appMs > res.slowMs) return Branch.Slow;
  return Branch.Outcome;
}

function outcomeOf(rule: StatusRule, branch: Branch, d: Dialog): Outcome {
  switch (branch) {
    case Branch.MapError:
      return rule.mapErrors!.get(d.mapError!)!;
    case Branch.UnknownCode:
      return rule.whenUnknownCode!;
    case Branch.Slow:
      return rule.whenSlow!;
    default:
      return rule.outcome;
  }
}
