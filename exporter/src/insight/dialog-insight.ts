// What the exporter learns from dialogs beyond the metric contract: the menu funnel for
// every dialog, and, when a model is configured, its second opinion on the dialogs the
// status map leaves unclassified. The ingest path asks once per classification for the
// tap of its dialogs, so a classified dialog costs one depth count and nothing else.
import { maskMsisdns } from '@ussdwatch/common/mask.js';
import { UNKNOWN_CODE, type Classification, type Dialog } from '../core/types.js';
import type { LearnConfig } from '../learn/learn-config.js';
import { SecondOpinion, type Guess } from '../learn/second-opinion.js';
import { StatusProposals } from '../learn/status-proposals.js';
import type { Catalogue } from '../core/catalogue.js';
import { counter, type Exposition, type ScalarFamily } from '../serve/exposition.js';
import { menuDepth, menuDepthBucket } from '../core/menu-depth.js';
import { MenuFunnel } from './menu-funnel.js';

export type DialogTap = (d: Dialog) => void;

const NOTHING: DialogTap = () => undefined;

interface Learned {
  readonly opinion: SecondOpinion;
  readonly proposals: StatusProposals;
  readonly guesses: ScalarFamily;
  readonly config: LearnConfig;
}

export class DialogInsight {
  private readonly funnel: MenuFunnel;
  private readonly learned: Learned | null;

  constructor(
    exposition: Exposition,
    catalogue: Catalogue,
    learn: LearnConfig | null,
    private readonly now: () => number = Date.now,
  ) {
    this.funnel = new MenuFunnel(exposition, new Set(catalogue.entries.map((e) => e.code)));
    this.learned =
      learn === null
        ? null
        : {
            opinion: new SecondOpinion(learn.model, catalogue),
            proposals: new StatusProposals(learn),
            guesses: exposition.add(
              counter(
                'ussd_unclassified_guesses_total',
                `Unclassified dialogs the learned model placed with confidence at or above learn.min_confidence (${learn.minConfidence}), by short code and the class and cause it guessed. Not a classification: the rules stay the classifier.`,
                ['short_code', 'class', 'cause'],
              ),
            ),
            config: learn,
          };
  }

  /** A reload changed the catalogue: codes that left it lose their series (the model keeps the catalogue it was started with). */
  configure(catalogue: Catalogue): void {
    const codes = new Set(catalogue.entries.map((e) => e.code));
    this.funnel.setCodes(codes);
    this.learned?.guesses.retain((v) => v[0] === UNKNOWN_CODE || codes.has(v[0]));
  }

  /** The tap for every dialog of one classification (resolved once per classification by the caller). */
  tap(c: Classification, source: string): DialogTap {
    const depths = this.funnel.depths(c);
    const count: DialogTap = depths === null ? NOTHING : (d) => depths[menuDepthBucket(menuDepth(d.menu))].value++;
    const learned = this.learned;
    if (c.cls !== 'unclassified' || learned === null) return count;
    return (d) => {
      count(d);
      const g = learned.opinion.guess(d);
      learned.proposals.record(source, d.status, g, this.now());
      if (g.confidence >= learned.config.minConfidence) learned.guesses.with(c.shortCode, g.outcome.cls, g.outcome.cause).value++;
    };
  }

  /** The model's guess for an unclassified dialog as the events API shows it; null without a model. */
  guessJson(d: Dialog): { class: string; cause: string; confidence: number; confident: boolean } | null {
    if (this.learned === null) return null;
    const g: Guess = this.learned.opinion.guess(d);
    return { class: g.outcome.cls, cause: g.outcome.cause, confidence: Math.round(g.confidence * 1000) / 1000, confident: g.confidence >= this.learned.config.minConfidence };
  }

  /** GET /api/proposals: unmapped statuses, where the model puts them, and the lines to paste. */
  statusProposals(): { status: number; body: unknown } {
    const l = this.learned;
    if (l === null) return { status: 200, body: { model: null, statuses: [] } };
    const m = l.config.model;
    return {
      status: 200,
      body: {
        model: {
          file: maskMsisdns(l.config.modelFile),
          trained_at: m.trainedAt || null,
          accuracy: m.evaluation?.accuracy ?? null,
          min_confidence: l.config.minConfidence,
          propose_after: l.config.proposeAfter,
        },
        statuses: l.proposals.report(),
        statuses_not_followed_dialogs: l.proposals.overflow,
      },
    };
  }
}
