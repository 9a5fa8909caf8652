// How long the notifier takes to start over a large journal, and the memory it takes:
// writes a journal of --mb megabytes (by default shaped like the flood of issue 10:
// 16 KB refused-request entries, with the deliveries of real alerts among them, all within
// the last hour so that every line is inside the state window), then opens it in a fresh
// process and prints the time and the resident memory.
//
//   npx tsx notifier/bench/journal-start.ts [--mb 300] [--module FILE]
//
// --module: another journal.ts to measure (the one before the byte budget:
// `git show <commit>:notifier/src/journal.ts > /tmp/old-journal.ts`).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const { values } = parseArgs({
  options: { mb: { type: 'string', default: '300' }, module: { type: 'string' }, child: { type: 'string' } },
});
const DEFAULT_MODULE = resolve(import.meta.dirname, '../src/journal.ts');
const SEGMENT_BYTES = 16 * 1024 * 1024;
const OPTIONS = { retentionDays: 30, segmentMaxBytes: SEGMENT_BYTES, memoryMaxBytes: 32 * 1024 * 1024, stateWindowMs: 3_600_000 };

interface JournalLike {
  query(q: { limit: number }): unknown[];
  close(): Promise<void>;
}

async function child(dir: string, module: string): Promise<void> {
  const { Journal } = (await import(pathToFileURL(module).href)) as { Journal: { open(o: object): Promise<JournalLike> } };
  const t0 = performance.now();
  const j = await Journal.open({ ...OPTIONS, dir });
  const ms = performance.now() - t0;
  const inMemory = j.query({ limit: Number.MAX_SAFE_INTEGER }).length;
  await j.close();
  process.stdout.write(JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: process.memoryUsage().heapUsed / 2 ** 20, inMemory }));
}

/** Segments of 16 MB: per 100 lines, 97 refused requests quoting a 16 KB path, a received entry and two attempts. */
function writeJournal(dir: string, bytes: number): { lines: number; segments: number } {
  const start = Date.now() - 30 * 60_000;
  let seq = 0;
  let written = 0;
  let segments = 0;
  const junk = `no webhook at /webhook/${'A'.repeat(16_000)}: use /webhook/tier1, /webhook/tier2 or /webhook/tier3`;
  while (written < bytes) {
    const parts: string[] = [];
    let size = 0;
    const segStart = start + segments * 60_000;
    while (size < SEGMENT_BYTES && written + size < bytes) {
      const ts = new Date(segStart + (seq % 1000)).toISOString();
      seq++;
      const n = seq % 100;
      const e = n === 0
        ? { seq, ts, kind: 'received', receiver: 'tier2', groupKey: `{}:{alertname="A${seq}"}`, status: 'firing', alerts: [{ fingerprint: `f${seq}`, status: 'firing', alertname: 'ShortCodeAppTimeouts', short_code: '*710#', tier: '2', team: 'billing', summary: '*710# Solde: application timeouts at 31%' }], shortCodes: ['*710#'], tiers: ['2'] }
        : n <= 2
          ? { seq, ts, kind: 'attempt', notification: seq - n, channel: 'sms', team: 'billing', recipient: '2137*****101', recipientKey: `r${seq % 7}`, dedupKeys: [`k${seq}`], result: n === 1 ? 'started' : 'sent', attempt: 1, durationMs: 12, shortCodes: ['*710#'], tiers: ['2'] }
          : { seq, ts, kind: 'rejected', httpStatus: 404, reason: 'not_found', message: junk, shortCodes: [], tiers: [''] };
      const line = `${JSON.stringify(e)}\n`;
      parts.push(line);
      size += line.length;
    }
    writeFileSync(join(dir, `journal-${segStart}.jsonl`), parts.join(''));
    written += size;
    segments++;
  }
  return { lines: seq, segments };
}

if (values.child) {
  await child(values.child, values.module ?? DEFAULT_MODULE);
} else {
  const mb = Number(values.mb);
  const module = resolve(values.module ?? DEFAULT_MODULE);
  const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-journal-bench-'));
  try {
    const { lines, segments } = writeJournal(dir, mb * 2 ** 20);
    // A fresh process per measure: its peak RSS is the start's alone.
    const run = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, '--child', dir, '--module', module], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (run.status !== 0) throw new Error(`the measuring process failed (${run.status}): ${run.stderr}`);
    const r = JSON.parse(run.stdout) as { ms: number; maxRssMb: number; heapMb: number; inMemory: number };
    console.log(`journal: ${mb} MB, ${segments} segments, ${lines} lines (module ${module})`);
    console.log(`start: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB, heap after start ${r.heapMb.toFixed(0)} MB, ${r.inMemory} entries in memory`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
