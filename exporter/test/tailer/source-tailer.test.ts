// Start positions, globs, restarts and bad input, on real files.
import { appendFileSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Harness, line, lines, range, scenario, tempDir } from './harness.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

describe('SourceTailer: where reading starts', () => {
  it('a source seen for the first time starts at the end of present files; later files from their beginning', async () => {
    const { logs, state } = scenario(tmp.dir);
    writeFileSync(join(logs, 'gw01.log'), lines(1, 10) + '11|partial');
    const h = await Harness.open(state, { glob: join(logs, '*.log'), startAt: 'end' });
    await h.tailer.pollOnce();
    expect(h.delivered).toEqual([]);
    appendFileSync(join(logs, 'gw01.log'), ' line\n' + lines(12, 13));
    writeFileSync(join(logs, 'gw02.log'), lines(100, 102));
    await h.pollUntil(6);
    expect(h.seqs()).toEqual([11, 12, 13, 100, 101, 102]);
    expect(h.delivered[0].line).toBe('11|partial line');
    expect(h.delivered[3].file).toBe(join(logs, 'gw02.log'));
    await h.tailer.stop();
  });

  it('startAt beginning reads files present at first start whole', async () => {
    const { logs, state } = scenario(tmp.dir);
    writeFileSync(join(logs, 'a.log'), lines(1, 3));
    writeFileSync(join(logs, 'b.log'), lines(4, 5));
    writeFileSync(join(logs, 'other.txt'), lines(900, 901));
    const h = await Harness.open(state, { glob: join(logs, '*.log') });
    await h.tailer.pollOnce();
    expect(h.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(h.tailer.stats()).toMatchObject({ files: 2, linesRead: 5 });
    await h.tailer.stop();
  });

  it('a recursive glob picks up files in folders created after start', async () => {
    const { logs, state } = scenario(tmp.dir);
    const h = await Harness.open(state, { glob: join(logs, '**/*.log'), startAt: 'end' });
    await h.tailer.pollOnce();
    mkdirSync(join(logs, 'gw03'));
    writeFileSync(join(logs, 'gw03', 'ussd.log'), lines(1, 2));
    await h.pollUntil(2);
    expect(h.seqs()).toEqual([1, 2]);
    expect(h.kinds()).toContain('opened');
    await h.tailer.stop();
  });
});

describe('SourceTailer: restarts', () => {
  it('resumes from saved positions after stop(): no loss, no duplicate, partial line read whole', async () => {
    const { logs, file, state } = scenario(tmp.dir);
    writeFileSync(file, lines(1, 5));
    const opts = { glob: join(logs, '*.log') };
    const a = await Harness.open(state, opts);
    await a.tailer.pollOnce();
    appendFileSync(file, lines(6, 7) + '8|half');
    await a.tailer.stop();
    expect(a.seqs()).toEqual(range(1, 7));
    appendFileSync(file, '-way\n' + lines(9, 12));
    writeFileSync(join(logs, 'gw02.log'), lines(50, 51));
    const b = await Harness.open(state, { ...opts, startAt: 'end' });
    await b.pollUntil(7);
    expect(b.seqs()).toEqual([8, 9, 10, 11, 12, 50, 51]);
    expect(b.delivered[0].line).toBe('8|half-way');
    await b.tailer.stop();
  });

  it('resumes after a crash (stop() never called) from what was delivered', async () => {
    const { logs, file, state } = scenario(tmp.dir);
    writeFileSync(file, lines(1, 3));
    const opts = { glob: join(logs, '*.log') };
    const crashed = await Harness.open(state, opts);
    await crashed.tailer.pollOnce();
    appendFileSync(file, lines(4, 6));
    const b = await Harness.open(state, opts);
    await b.pollUntil(3);
    expect([...crashed.seqs(), ...b.seqs()]).toEqual(range(1, 6));
    await b.tailer.stop();
    await crashed.tailer.stop(); // only to close its descriptors
  });

  it('reads a file truncated while stopped again from its beginning, and does nothing once stopped', async () => {
    const { file, state } = scenario(tmp.dir);
    writeFileSync(file, lines(1, 9));
    const a = await Harness.open(state, { glob: file });
    await a.tailer.pollOnce();
    await a.tailer.stop();
    writeFileSync(file, lines(1, 2));
    const b = await Harness.open(state, { glob: file });
    await b.pollUntil(2);
    expect(b.seqs()).toEqual([1, 2]);
    expect(b.kinds()).toEqual(['truncated', 'opened']);
    await b.tailer.stop();
    appendFileSync(file, lines(3, 3));
    await b.tailer.pollOnce();
    expect(b.seqs()).toEqual([1, 2]);
    expect(b.tailer.stats().files).toBe(0);
  });

  it('drains a file rotated away while stopped from its saved offset', async () => {
    const { file, state } = scenario(tmp.dir);
    writeFileSync(file, lines(1, 3));
    const opts = { glob: file };
    const a = await Harness.open(state, opts);
    await a.tailer.pollOnce();
    await a.tailer.stop();
    appendFileSync(file, lines(4, 5));
    rmSync(`${file}.1`, { force: true });
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(6, 7));
    const b = await Harness.open(state, { ...opts, rotateWaitMs: 0 });
    await b.pollUntil(4);
    expect(b.seqs()).toEqual([4, 5, 6, 7]);
    expect(b.kinds()).toContain('rotated');
    await b.tailer.stop();
    expect(b.tailer.stats().files).toBe(0);
  });
});

describe('SourceTailer: bad input never stops ingestion', () => {
  it('passes binary garbage and a 1 MB line through (cut), and keeps reading', async () => {
    const { file, state } = scenario(tmp.dir);
    writeFileSync(file, line(1));
    const h = await Harness.open(state, { glob: file });
    await h.tailer.pollOnce();
    appendFileSync(file, Buffer.concat([Buffer.from([0, 1, 2, 0xff, 0xfe, 10]), Buffer.from('z'.repeat(1 << 20) + '\n'), Buffer.from(line(2) + 'a\r\n')]));
    await h.pollUntil(5);
    const got = h.delivered.map((d) => d.line);
    expect(got[1]).toBe('\u0000\u0001\u0002\uFFFD\uFFFD');
    expect(got[2]).toBe('z'.repeat(65537));
    expect(got.slice(3)).toEqual([line(2).slice(0, -1), 'a\r']);
  });

  it('reports a directory or dangling link where a log is expected, keeps tailing the rest, retries later', async () => {
    const { logs, state } = scenario(tmp.dir);
    mkdirSync(join(logs, 'gw02.log'));
    symlinkSync(join(logs, 'missing'), join(logs, 'gw03.log'));
    writeFileSync(join(logs, 'gw01.log'), lines(1, 2));
    const h = await Harness.open(state, { glob: join(logs, '*.log') });
    await h.tailer.pollOnce();
    await h.tailer.pollOnce();
    expect(h.seqs()).toEqual([1, 2]);
    const errors = h.events.filter((e) => e.kind === 'error');
    expect(errors.map((e) => e.file).sort()).toEqual([join(logs, 'gw02.log'), join(logs, 'gw03.log')]);
    expect(errors.find((e) => e.file.endsWith('gw02.log'))?.message).toContain('directory');
    expect(errors.find((e) => e.file.endsWith('gw03.log'))?.message).toContain('missing file');
    rmSync(join(logs, 'gw02.log'), { recursive: true });
    writeFileSync(join(logs, 'gw02.log'), lines(20, 21));
    writeFileSync(join(logs, 'missing'), lines(30, 30));
    await h.pollUntil(5);
    expect(h.seqs()).toEqual([1, 2, 20, 21, 30]);
    await h.tailer.stop();
  });

  it('drains a file deleted while being read, then forgets it', async () => {
    const { file, state } = scenario(tmp.dir);
    writeFileSync(file, line(1));
    const h = await Harness.open(state, { glob: file });
    await h.tailer.pollOnce();
    appendFileSync(file, lines(2, 3) + '4|no newline');
    rmSync(file);
    await h.pollUntil(4);
    expect(h.seqs()).toEqual([1, 2, 3, 4]);
    expect(h.kinds()).toContain('gone');
    expect(h.tailer.stats().files).toBe(0);
    await h.tailer.stop();
  });
});
