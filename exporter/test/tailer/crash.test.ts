// A real crash: the tailer's process is SIGKILLed mid-stream while a writer keeps
// appending; a new tailer on the same state folder must lose nothing and repeat at most
// the lines delivered after the last completed save.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, waitFor } from '@ussdwatch/testkit';
import { afterAll, expect, it } from 'vitest';
import { Harness, lines, range, scenario, tempDir } from './harness.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

/** What the child recorded: the sequence numbers it delivered, and how many of them a finished save covered. */
function recorded(file: string): { seqs: number[]; saved: number } {
  const seqs: number[] = [];
  let saved = 0;
  if (!existsSync(file)) return { seqs, saved };
  const text = readFileSync(file, 'utf8');
  // A record line cut by the kill has no '\n' yet: not counted.
  for (const l of text.slice(0, text.lastIndexOf('\n') + 1).split('\n')) {
    if (l.startsWith('saved ')) saved = Math.max(saved, Number(l.slice(6)));
    else if (l) seqs.push(...l.split(' ').map(Number));
  }
  return { seqs, saved };
}

it('resumes after SIGKILL without losing a line, repeating only what was in flight', async () => {
  const { file, state } = scenario(tmp.dir);
  const record = join(tmp.dir, 'record.txt');
  const child = await startProcess(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(new URL('./crash-child.ts', import.meta.url)), file, state, record], {
    name: 'crash-child',
  });
  const total = 6000;
  let seq = 20;
  try {
    writeFileSync(file, lines(1, seq));
    await waitFor(() => recorded(record).seqs.length === seq, { timeoutMs: 15_000, what: `the child to tail:\n${child.output()}` });
    // Killed while the writer keeps appending and the child keeps reading.
    while (recorded(record).seqs.length < 1000 && seq < total) await appendFile(file, lines(seq + 1, (seq += 20)));
    child.child.kill('SIGKILL');
    await appendFile(file, lines(seq + 1, total));
  } finally {
    await child.stop();
  }
  const { seqs: before, saved } = recorded(record);
  expect(before).toEqual(range(1, before.length));

  const h = await Harness.open(state, { glob: file, startAt: 'end' });
  await h.pollUntil(total - before.length);
  await h.tailer.stop();
  const after = h.seqs();
  const first = after[0];
  expect(first).toBeLessThanOrEqual(before.length + 1);
  expect(after).toEqual(range(first, total));
  // Repeated at most: the lines delivered after the last finished save (in flight).
  const repeated = before.length - first + 1;
  console.log(`SIGKILL after ${before.length} lines delivered, ${saved} saved: ${repeated} repeated after restart`);
  expect(first).toBeGreaterThan(saved);
}, 30_000);
