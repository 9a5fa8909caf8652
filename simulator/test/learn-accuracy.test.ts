// The learned second opinion against the rules, on simulator-written logs: `ussdwatch train`
// on one run, its held-out agreement with the rules (floors), and where it puts statuses
// a vendor renamed (which the rules leave unclassified) in another run.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '@ussdwatch/exporter/cli/main.js';
import { loadModelFile } from '@ussdwatch/exporter/learn/model-file.js';
import { SecondOpinion } from '@ussdwatch/exporter/learn/second-opinion.js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { catalogue, classifyRun, cleanRuns, countBy, simulateFast } from './helpers.js';

afterAll(cleanRuns);

describe('learned second opinion on simulated traffic', { timeout: 60_000 }, () => {
  it('agrees with the rules on held-out dialogs and places renamed statuses where they belong', async () => {
    const history = await simulateFast(['--rate', '400', '--flat'], { duration: 300, seed: 5 });
    const model = join(history.dir, 'model.json');
    const files = readdirSync(history.logs).map((f) => join(history.logs, f));
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await main(['train', '--out', model, ...files])).toBe(0);
    } finally {
      out.mockRestore();
    }
    const m = loadModelFile(model);
    const e = m.evaluation!;
    expect(e.rows).toBeGreaterThan(20_000);
    expect(e.accuracy).toBeGreaterThan(0.995);
    expect(e.classAccuracy).toBeGreaterThan(0.995);
    for (const s of e.outcomes.filter((o) => o.support >= 50)) expect(s.recall, s.outcome).toBeGreaterThan(0.95);

    // A vendor renames statuses: the rules leave them unclassified; the model still places them.
    const renamed: Record<string, [string, string]> = {
      FAILED_DIALOG_TIMEOUT: ['DIALOG_TIMEOUT_EXPIRED', 'user/abandoned'],
      INVALID_INPUT: ['BAD_MENU_INPUT', 'user/invalid_input'],
    };
    const opinion = new SecondOpinion(m, catalogue);
    const other = classifyRun(await simulateFast(['--rate', '400', '--flat'], { duration: 120, seed: 6 }));
    for (const [status, [to, expected]] of Object.entries(renamed)) {
      const dialogs = other.filter((v) => v.dialog?.status === status).map((v) => ({ ...v.dialog!, status: to }));
      expect(dialogs.length).toBeGreaterThan(50);
      const guesses = countBy(
        dialogs.map((d) => opinion.guess(d)),
        (g) => g.outcome.name,
      );
      expect(guesses[expected] / dialogs.length, `${to} placed as ${JSON.stringify(guesses)}`).toBeGreaterThan(0.9);
    }
  });
});
