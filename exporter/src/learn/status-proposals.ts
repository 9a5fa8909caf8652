// Statuses nobody mapped, and where the model would put them. Once the model has placed at
// least `proposeAfter` dialogs of one status in the same class/cause with confidence at or
// above `minConfidence`, and those are most of that status's dialogs, the status is proposed
// as a status-map line the operator can paste (the rules stay the classifier: nothing here
// changes how a dialog is counted).
import { maskMsisdns } from '@ussdwatch/common/mask.js';
import { stringify } from 'yaml';
import type { Outcome } from '../core/outcome.js';
import type { Guess } from './second-opinion.js';

export interface ProposalOptions {
  minConfidence: number;
  proposeAfter: number;
}

/** Statuses followed at once: they come from log lines, so their number is capped. */
export const MAX_STATUSES = 100;

interface Placement {
  dialogs: number;
  confidenceSum: number;
}

interface Watched {
  readonly source: string;
  readonly status: string;
  dialogs: number;
  lastSeen: number;
  /** Confident guesses by class/cause. */
  readonly placed: Map<Outcome, Placement>;
}

export interface StatusReport {
  source: string;
  /** As the rules match it: trimmed, upper-cased; digits that look like a subscriber number are masked. */
  status: string;
  dialogs: number;
  last_seen: string;
  /** The class/cause most confident guesses agree on, or null when none was confident. */
  class: string | null;
  cause: string | null;
  /** Dialogs placed there with confidence at or above the threshold, and their mean confidence. */
  agreeing: number;
  confidence: number | null;
  proposed: boolean;
  /** The status-map lines to paste when proposed; null otherwise, or when the status had to be masked. */
  yaml: string | null;
}

export class StatusProposals {
  private readonly watched = new Map<string, Watched>();
  /** Dialogs of statuses not followed because MAX_STATUSES were already. */
  overflow = 0;

  constructor(readonly opts: ProposalOptions) {}

  /** Called for each unclassified dialog the model guessed. */
  record(source: string, rawStatus: string, guess: Guess, at: number): void {
    const status = rawStatus.trim().toUpperCase();
    const key = `${source}\u0000${status}`;
    let w = this.watched.get(key);
    if (!w) {
      if (this.watched.size >= MAX_STATUSES) {
        this.overflow++;
        return;
      }
      w = { source, status, dialogs: 0, lastSeen: at, placed: new Map() };
      this.watched.set(key, w);
    }
    w.dialogs++;
    w.lastSeen = at;
    if (guess.confidence < this.opts.minConfidence) return;
    let p = w.placed.get(guess.outcome);
    if (!p) w.placed.set(guess.outcome, (p = { dialogs: 0, confidenceSum: 0 }));
    p.dialogs++;
    p.confidenceSum += guess.confidence;
  }

  /** Proposed statuses first, then by dialogs. */
  report(): StatusReport[] {
    return [...this.watched.values()].map((w) => this.reportOf(w)).sort((a, b) => Number(b.proposed) - Number(a.proposed) || b.dialogs - a.dialogs);
  }

  private reportOf(w: Watched): StatusReport {
    let best: [Outcome, Placement] | undefined;
    for (const entry of w.placed) if (!best || entry[1].dialogs > best[1].dialogs) best = entry;
    const status = maskMsisdns(w.status);
    const proposed = best !== undefined && best[1].dialogs >= this.opts.proposeAfter && best[1].dialogs * 2 > w.dialogs;
    return {
      source: w.source,
      status,
      dialogs: w.dialogs,
      last_seen: new Date(w.lastSeen).toISOString(),
      class: best ? best[0].cls : null,
      cause: best ? best[0].cause : null,
      agreeing: best ? best[1].dialogs : 0,
      confidence: best ? Math.round((best[1].confidenceSum / best[1].dialogs) * 1000) / 1000 : null,
      proposed,
      // A masked status is not the one logged: pasting it would map nothing.
      yaml: proposed && status === w.status ? statusMapLines(w.status, best![0].name) : null,
    };
  }
}

/** The status-map document (config/status-map.yaml's shape) mapping one status; quoted as YAML needs. */
export function statusMapLines(status: string, outcome: string): string {
  return stringify({ statuses: { [status]: outcome } });
}
