// The ingest hook: the funnel for every dialog, the model only for unclassified ones.
import { describe, expect, it } from 'vitest';
import { parseYaml } from '@ussdwatch/common/config-file.js';
import { compileStatusMap } from '../../src/config/status-map-file.js';
import { DialogInsight } from '../../src/insight/dialog-insight.js';
import type { LearnConfig } from '../../src/learn/learn-config.js';
import { SecondOpinion } from '../../src/learn/second-opinion.js';
import { statusMapLines } from '../../src/learn/status-proposals.js';
import { Exposition } from '../../src/serve/exposition.js';
import { dialog, SPEC_CATALOGUE } from '../core/fixtures.js';
import { classifier, history, smallModel } from './history-fixture.js';

function setup(learn: Partial<LearnConfig> | null = {}) {
  const exposition = new Exposition();
  const config = learn === null ? null : { modelFile: '/models/m.json', model: smallModel(), minConfidence: 0.6, proposeAfter: 20, ...learn };
  const insight = new DialogInsight(exposition, SPEC_CATALOGUE, config, () => Date.UTC(2026, 10, 21));
  const ingest = (dialogs: ReturnType<typeof dialog>[]) => {
    for (const d of dialogs) insight.tap(classifier.classify(d), 'gw')(d);
  };
  const metric = (prefix: string) =>
    new Map(
      exposition
        .render()
        .split('\n')
        .filter((l) => l.startsWith(prefix))
        .map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
    );
  return { insight, ingest, metric };
}

describe('menu funnel', () => {
  it('counts each dialog of a catalogue code by the depth it ended at and how', () => {
    const { ingest, metric } = setup(null);
    ingest([
      dialog({ menu: '', status: 'SUCCESS' }),
      dialog({ menu: '1*2', status: 'FAILED_DIALOG_USER_ABORT' }),
      dialog({ menu: '1*2', status: 'FAILED_DIALOG_USER_ABORT' }),
      dialog({ menu: '9', status: 'INVALID_INPUT' }),
      dialog({ menu: '1*1*1*1*1*1*1', status: 'FAILED_APP_TIMEOUT', appMs: null }),
      dialog({ menu: '1', status: 'WHAT_IS_THIS' }),
      dialog({ ussd: '*719#', menu: '1', status: 'NO_ROUTING_RULE' }), // unknown code: not in the funnel
    ]);
    const m = metric('ussd_menu_dialogs_total{');
    const at = (depth: string, outcome: string) => m.get(`ussd_menu_dialogs_total{short_code="*710#",depth="${depth}",outcome="${outcome}"}`);
    expect([at('0', 'completed'), at('2', 'abandoned'), at('1', 'user_error'), at('6+', 'internal_error'), at('1', 'unclassified')]).toEqual([1, 2, 1, 1, 1]);
    // The code's series all exist, at zero where nothing ended; none for unknown codes.
    expect(at('5', 'abandoned')).toBe(0);
    expect([...m.keys()].filter((k) => k.includes('short_code="*710#"'))).toHaveLength(35);
    expect([...m.keys()].some((k) => k.includes('unknown'))).toBe(false);
  });
});

describe('the second opinion in the ingest path', () => {
  it('asks the model nothing about classified dialogs', () => {
    const { insight, ingest, metric } = setup();
    const guess = SecondOpinion.prototype.guess;
    let asked = 0;
    SecondOpinion.prototype.guess = function (d) {
      asked++;
      return guess.call(this, d);
    };
    try {
      ingest(history(500, 3));
      expect(asked).toBe(0);
      ingest([dialog({ status: 'NOBODY_MAPPED_THIS' })]);
      expect(asked).toBe(1);
    } finally {
      SecondOpinion.prototype.guess = guess;
    }
    expect((insight.statusProposals().body as { statuses: unknown[] }).statuses).toHaveLength(1);
    expect(metric('ussd_dialogs_total')).toEqual(new Map()); // the rules' counters are not its business
  });

  it('counts confident guesses by code, class and cause, and proposes the status once placed often enough', () => {
    // The small test model places this renamed status right with confidence 0.4.
    const { insight, ingest, metric } = setup({ proposeAfter: 20, minConfidence: 0.35 });
    const renamed = history(3_000, 11, { FAILED_DIALOG_TIMEOUT: 'DIALOG_TIMEOUT_EXPIRED' }).filter((d) => d.status === 'DIALOG_TIMEOUT_EXPIRED');
    expect(renamed.length).toBeGreaterThan(40);
    expect(renamed.every((d) => classifier.classify(d).cls === 'unclassified')).toBe(true);
    ingest(renamed.slice(0, 19));
    const early = (insight.statusProposals().body as { statuses: Array<Record<string, unknown>> }).statuses[0];
    expect(early).toMatchObject({ source: 'gw', status: 'DIALOG_TIMEOUT_EXPIRED', dialogs: 19, class: 'user', cause: 'abandoned', proposed: false, yaml: null });
    ingest(renamed.slice(19));
    const body = insight.statusProposals().body as { model: Record<string, unknown>; statuses: Array<{ yaml: string; confidence: number; agreeing: number }> };
    const p = body.statuses[0];
    expect(p).toMatchObject({ proposed: true, class: 'user', cause: 'abandoned', dialogs: renamed.length });
    expect(p.confidence).toBeGreaterThanOrEqual(0.35);
    expect(body.model).toMatchObject({ file: '/models/m.json', min_confidence: 0.35, propose_after: 20 });
    // The proposed lines are a status map the exporter accepts, mapping the new status as guessed.
    const y = parseYaml(p.yaml, 'proposal.yaml');
    const map = compileStatusMap(y.value, 'proposal.yaml', y.lineOf);
    expect(map.rule('DIALOG_TIMEOUT_EXPIRED')?.outcome.name).toBe('user/abandoned');
    const guesses = metric('ussd_unclassified_guesses_total{');
    const counted = [...guesses.values()].reduce((a, b) => a + b, 0);
    expect(counted).toBe(p.agreeing);
    expect([...guesses.keys()].every((k) => /short_code="\*7[12]0(\*1)?#",class="user",cause="abandoned"/.test(k))).toBe(true);
  });

  it('masks a subscriber number written into a status, and then proposes no line (it would map nothing)', () => {
    const { insight, ingest } = setup({ proposeAfter: 1, minConfidence: 0 });
    ingest([dialog({ status: 'REJECTED_213770123456', menu: '' })]);
    const [p] = (insight.statusProposals().body as { statuses: Array<Record<string, unknown>> }).statuses;
    expect(p).toMatchObject({ status: 'REJECTED_2137*****456', proposed: true, yaml: null });
    expect(JSON.stringify(insight.statusProposals().body)).not.toContain('213770123456');
  });

  it('shows its guess with its confidence for the events API, and nothing without a model', () => {
    const d = dialog({ status: 'DIALOG_TIMEOUT_EXPIRED', dialogMs: 61_000, menu: '1' });
    expect(setup().insight.guessJson(d)).toMatchObject({ class: 'user', cause: 'abandoned', confident: expect.any(Boolean), confidence: expect.any(Number) });
    expect(setup(null).insight.guessJson(d)).toBeNull();
    expect(setup(null).insight.statusProposals().body).toEqual({ model: null, statuses: [] });
  });

  it('writes lines that map exactly the status seen, whatever YAML would make of it unquoted', () => {
    for (const status of ['NULL', 'TRUE', 'ERR: 12', '#HASH', '- DASH', '12', "IT'S \"X\""]) {
      const y = parseYaml(statusMapLines(status, 'user/subscriber'), 'p.yaml');
      expect(compileStatusMap(y.value, 'p.yaml', y.lineOf).rule(status)?.outcome.name).toBe('user/subscriber');
    }
    expect(statusMapLines('NEW_STATUS', 'ok/ok')).toBe('statuses:\n  NEW_STATUS: ok/ok\n');
  });
});
