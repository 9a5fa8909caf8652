// `npm run learn -w @ussdwatch/bench`: the figures of docs/learn.md. Writes a million
// simulated dialogs, runs `ussdwatch train` on them (which prints its own time and its
// agreement with the rules on held-out dialogs), then shows where the model puts statuses
// a vendor renamed (the rules leave those unclassified), on another simulated run.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '@ussdwatch/exporter/cli/main.js';
import { BUNDLED_CATALOGUE, loadCatalogueFile } from '@ussdwatch/exporter/config/files.js';
import { loadModelFile } from '@ussdwatch/exporter/learn/model-file.js';
import { SecondOpinion } from '@ussdwatch/exporter/learn/second-opinion.js';
import { createLineParser } from '@ussdwatch/exporter/parsers/index.js';
import { run as simulate } from '@ussdwatch/simulator/cli.js';

/** 400 dialogs/s for 2,500 simulated seconds: about a million lines. */
const HISTORY_S = 2_500;
const RENAMED: Record<string, string> = {
  FAILED_DIALOG_TIMEOUT: 'DIALOG_TIMEOUT_EXPIRED',
  INVALID_INPUT: 'BAD_MENU_INPUT',
  SERVER_OVERLOADED: 'NODE_OVERLOADED',
  FAILED_CALL_BARRED: 'CALL_BARRED_BY_OPERATOR',
  FAILED_USSD_BUSY: 'SUBSCRIBER_BUSY',
  FAILED_APP_TIMEOUT: 'APPLICATION_TIMEOUT',
  FAILED_DIALOG_USER_ABORT: 'USER_RELEASED',
};
const MIN_CONFIDENCE = 0.6;

const dir = mkdtempSync(path.join(tmpdir(), 'ussdwatch-bench-learn-'));
try {
  const logsOf = async (name: string, seconds: number, seed: number) => {
    const logs = path.join(dir, name);
    const args = ['--fast', '--flat', '--rate', '400', '--duration', String(seconds), '--seed', String(seed), '--start', '2026-11-21T08:00:00+01:00'];
    if ((await simulate([...args, '--out', logs, '--dpss-dir', path.join(dir, `${name}-dpss`)])) !== 0) throw new Error('simulate failed');
    return readdirSync(logs).map((f) => path.join(logs, f));
  };
  const history = await logsOf('history', HISTORY_S, 11);
  const model = path.join(dir, 'model.json');
  process.stdout.write(`\n$ ussdwatch train --out model.json ${history.map((f) => path.basename(f)).join(' ')}\n`);
  if ((await main(['train', '--out', model, ...history])) !== 0) throw new Error('train failed');

  const opinion = new SecondOpinion(loadModelFile(model), loadCatalogueFile(BUNDLED_CATALOGUE));
  const parser = createLineParser({ format: 'auto', utcOffsetMinutes: 60 });
  const dialogs = (await logsOf('other', 300, 12)).flatMap((f) => readFileSync(f, 'utf8').split('\n')).map((l) => parser.parse(l)).filter((d) => typeof d !== 'string');
  process.stdout.write(`\nrenamed statuses (unclassified by the rules), another run; confident = confidence >= ${MIN_CONFIDENCE}:\n`);
  for (const [from, to] of Object.entries(RENAMED)) {
    const tally = new Map<string, { all: number; confident: number }>();
    let n = 0;
    for (const d of dialogs) {
      if (d.status !== from) continue;
      n++;
      const g = opinion.guess({ ...d, status: to });
      const t = tally.get(g.outcome.name) ?? { all: 0, confident: 0 };
      t.all++;
      if (g.confidence >= MIN_CONFIDENCE) t.confident++;
      tally.set(g.outcome.name, t);
    }
    const placed = [...tally].sort((a, b) => b[1].all - a[1].all).map(([o, t]) => `${o} ${t.all} (${t.confident} confident)`);
    process.stdout.write(`  ${from} -> ${to}: ${n} dialogs: ${placed.join(', ')}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
