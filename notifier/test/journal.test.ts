import { appendFile, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type AttemptResult, type NewEntry } from '../src/journal.js';
import { linesFromEnd } from '../src/lines-from-end.js';

let dir: string;
beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'ussdwatch-journal-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

const rejected = (i: number, message = `m${i}`): NewEntry => ({ kind: 'rejected', httpStatus: 400, reason: 'bad_json', message, shortCodes: [], tiers: ['2'] });
const attempt = (notification: number, recipientKey: string, result: AttemptResult, n = 1): NewEntry => ({
  kind: 'attempt', notification, channel: 'sms', team: 'billing', recipient: '2137*****101', recipientKey,
  dedupKeys: ['a', 'b'], result, attempt: n, durationMs: 0, shortCodes: [], tiers: ['2'],
});
const OPTIONS = { retentionDays: 30, segmentMaxBytes: 1 << 20, memoryMaxBytes: 1 << 20, stateWindowMs: 3_600_000 };
const open = (segmentMaxBytes = 1 << 20) => Journal.open({ ...OPTIONS, dir, segmentMaxBytes });

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
    // Its last write, as a segment the notifier wrote 40 days ago has it: start-up goes by that, not by reading it.
    await utimes(join(dir, 'journal-1000.jsonl'), new Date(old), new Date(old));
    const again = await open();
    expect(await readdir(dir)).not.toContain('journal-1000.jsonl');
    expect(again.query({ limit: 100 })).toHaveLength(40);
    await again.close();
  });

  it('batches concurrent appends into one durable write', async () => {
    const writes: number[] = [];
    const j = await Journal.open({ ...OPTIONS, dir, onWrite: (s) => writes.push(s) });
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

  it('keeps the newest entries in memory up to its byte budget, at run time and after a restart', async () => {
    const small = { ...OPTIONS, dir, memoryMaxBytes: 20_000 };
    const j = await Journal.open(small);
    const line = (e: NewEntry) => JSON.stringify({ seq: 1, ts: new Date().toISOString(), ...e }).length;
    for (let i = 0; i < 400; i++) await j.append([rejected(i)]);
    const fits = Math.floor(20_000 / line(rejected(100)));
    const held = j.query({ limit: 5000 });
    expect(held.length).toBeGreaterThanOrEqual(fits - 5);
    expect(held.length).toBeLessThanOrEqual(fits + 5);
    expect(held[0].seq).toBe(400);
    await j.close();
    const again = await Journal.open(small);
    const reread = again.query({ limit: 5000 });
    expect(reread.map((e) => e.seq)).toEqual(held.map((e) => e.seq));
    const [next] = await again.append([rejected(401)]);
    expect(next.seq).toBe(401);
    await again.close();
  });

  it('reads back the attempts of the state window even past the memory budget: deduplication survives', async () => {
    const j = await Journal.open({ ...OPTIONS, dir });
    await j.append([attempt(1, 'r1', 'started'), attempt(1, 'r1', 'sent')]);
    for (let i = 0; i < 300; i++) await j.append([rejected(i, 'x'.repeat(1000))]);
    await j.close();
    const again = await Journal.open({ ...OPTIONS, dir, memoryMaxBytes: 64 * 1024 });
    expect(again.query({ limit: 5000 }).length).toBeLessThan(70);
    expect(again.wasSent('sms', 'r1', 'a', 0)).toBe(true);
    expect(again.smsDeliveries('r1', 0)).toHaveLength(1);
    await again.close();
  });

  it('reads lines from the end across chunk edges, multi-byte characters whole', async () => {
    const lines = ['première ligne', 'ج'.repeat(50), '', 'x'.repeat(37), 'dernière'];
    await writeFile(join(dir, 'f'), `${lines.join('\n')}\n`);
    const read: string[] = [];
    for await (const batch of linesFromEnd(join(dir, 'f'), 7)) read.push(...batch);
    expect(read).toEqual(lines.filter(Boolean).reverse());
  });
});
