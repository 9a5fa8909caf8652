import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PositionStore } from '../../src/tailer/positions.js';
import { tempDir } from './harness.js';

describe('PositionStore', () => {
  const tmp = tempDir();
  afterAll(() => tmp.remove());

  it('creates the folder and round-trips positions', async () => {
    const dir = join(tmp.dir, 'state', 'nested');
    const a = await PositionStore.open(dir);
    expect(a.get('gw')).toBeUndefined();
    a.set('gw', [{ fingerprint: 'abc', offset: 42, path: '/x/gw01.log' }]);
    a.set('empty', []);
    await a.save();
    const b = await PositionStore.open(dir);
    expect(b.get('gw')).toEqual([{ fingerprint: 'abc', offset: 42, path: '/x/gw01.log' }]);
    expect(b.get('empty')).toEqual([]);
  });

  it('starts fresh with a warning naming the file when it is corrupt, keeping the bad file aside', async () => {
    const dir = join(tmp.dir, 'corrupt');
    await PositionStore.open(dir);
    writeFileSync(join(dir, 'positions.json'), '{"version":1,"sources":{"gw":{"files":[{"offset":-3}]}}}');
    const warnings: string[] = [];
    const store = await PositionStore.open(dir, (m) => warnings.push(m));
    expect(store.get('gw')).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(dir, 'positions.json'));
    expect(warnings[0]).toContain('invalid file entry');
    expect(readdirSync(dir).some((n) => n.startsWith('positions.json.corrupt-'))).toBe(true);

    writeFileSync(join(dir, 'positions.json'), '{"version":1,"sour');
    const again = await PositionStore.open(dir, (m) => warnings.push(m));
    expect(again.get('gw')).toBeUndefined();
    expect(warnings).toHaveLength(2);
  });

  it('coalesces concurrent saves and the last one holds every change made before it', async () => {
    const dir = join(tmp.dir, 'busy');
    const store = await PositionStore.open(dir);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 50; i++) {
      store.set('gw', [{ fingerprint: 'f', offset: i, path: '/p' }]);
      saves.push(store.save());
    }
    await Promise.all(saves);
    const saved = JSON.parse(readFileSync(join(dir, 'positions.json'), 'utf8'));
    expect(saved.sources.gw.files[0].offset).toBe(49);
    expect(existsSync(join(dir, `positions.json.${process.pid}.tmp`))).toBe(false);
  });
});
