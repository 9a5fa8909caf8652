import { appendFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type AttemptResult, type NewEntry } from '../src/journal.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ussdwatch-journal-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const rejected = (i: number): NewEntry => ({ kind: 'rejected', httpStatus: 400, reason: 'bad_json', message: `m${i}`, shortCodes: [], tiers: ['2'] });
const attempt = (notification: number, recipientKey: string, result: AttemptResult, n = 1): NewEntry => ({
  kind: 'attempt', notification, channel: 'sms', team: 'billing', recipient: '2137*****101', recipientKey,
  dedupKeys: ['a', 'b'], result, attempt: n, durationMs: 0, shortCodes: [], tiers: ['2'],
});
const open = (segmentMaxBytes = 1 << 20) => Journal.open({ dir, retentionDays: 30, segmentMaxBytes });

describe('journal', () => {
  it('reads back after a restart, skipping a line torn by a crash, and keeps numbering', async () => {
    const j = await open();
    await j.append([rejected(1), rejected(2)]);
    await j.close();
    const [segment] = await readdir(dir);
    await appendFile(join(dir, segment), '{"seq":3,"ts":"2026-');
    const again = await open();
    expect(again.skippedLines).toBe(1);
    const [e] = await again.append([rejected(3)]);
    expect(e.seq).toBe(3);
    expect(again.query({ limit: 10 }).map((x) => x.seq)).toEqual([3, 2, 1]);
    await again.close();
  });

  it('rotates segments by size and drops those past retention at start', async () => {
    const j = await open(4096);
    for (let i = 0; i < 40; i++) await j.append([rejected(i)]);
    await j.close();
    expect((await readdir(dir)).length).toBeGreaterThan(1);
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await writeFile(join(dir, 'journal-1000.jsonl'), `${JSON.stringify({ seq: 0, ts: old, ...rejected(0) })}\n`);
    const again = await open();
    expect(await readdir(dir)).not.toContain('journal-1000.jsonl');
    expect(again.query({ limit: 100 })).toHaveLength(40);
    await again.close();
  });

  it('batches concurrent appends into one durable write', async () => {
    const writes: number[] = [];
    const j = await Journal.open({ dir, retentionDays: 30, segmentMaxBytes: 1 << 20, onWrite: (s) => writes.push(s) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => j.append([rejected(i)])));
    expect(writes.length).toBeLessThan(20);
    expect(j.query({ limit: 100 })).toHaveLength(20);
    await j.close();
  });

  it('remembers, across a restart, the attempts that started and never recorded a result', async () => {
    const j = await open();
    // r1: killed mid-request; r2: answered (a retry), then the next attempt never started; r3: delivered.
    await j.append([attempt(1, 'r1', 'started'), attempt(2, 'r2', 'started'), attempt(2, 'r2', 'retry'), attempt(3, 'r3', 'started'), attempt(3, 'r3', 'sent')]);
    await j.close();
    const again = await open();
    const [first] = again.query({ limit: 10 }).slice(-1);
    expect(again.interruptedAt('sms', 'r1', ['a', 'b'], 0)).toBe(first.ts);
    expect(again.interruptedAt('sms', 'r1', ['a'], 0)).toBe(first.ts);
    expect(again.interruptedAt('sms', 'r1', ['a', 'c'], 0)).toBeUndefined(); // c was never attempted
    expect(again.interruptedAt('email', 'r1', ['a'], 0)).toBeUndefined();
    expect(again.interruptedAt('sms', 'r1', ['a'], Date.parse(first.ts) + 1)).toBeUndefined(); // outside the window
    expect(again.interruptedAt('sms', 'r2', ['a'], 0)).toBeUndefined();
    expect(again.interruptedAt('sms', 'r3', ['a'], 0)).toBeUndefined();
    expect(again.wasSent('sms', 'r3', 'b', 0)).toBe(true);
    await again.close();
  });
});
