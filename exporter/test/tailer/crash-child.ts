// Run by crash.test.ts as a separate process, to be killed with SIGKILL: tails GLOB with
// positions in STATE_DIR and appends to RECORD, before onLines returns, one line per
// delivered batch (its sequence numbers), and `saved N` once a save covering the first N
// delivered lines has finished.
import { openSync, writeSync } from 'node:fs';
import { PositionStore } from '../../src/tailer/positions.js';
import { SourceTailer } from '../../src/tailer/source-tailer.js';

const [glob, stateDir, record] = process.argv.slice(2);
const out = openSync(record, 'a');
const positions = await PositionStore.open(stateDir);
let delivered = 0;
const save = positions.save.bind(positions);
positions.save = () => {
  const covered = delivered;
  return save().then(() => {
    writeSync(out, `saved ${covered}\n`);
  });
};
const tailer = new SourceTailer({
  source: 'gw',
  glob,
  startAt: 'beginning',
  pollIntervalMs: 5,
  positions,
  onLines: (lines) => {
    writeSync(out, lines.map((l) => l.split('|', 1)[0]).join(' ') + '\n');
    delivered += lines.length;
  },
});
await tailer.start();
