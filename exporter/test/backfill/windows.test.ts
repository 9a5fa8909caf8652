import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./windows-resume.fixture.ts', import.meta.url));

describe('WindowWriter after an interruption', () => {
  it('skips the windows delivered before it and delivers the rest, without hanging', () => {
    // Its own process: a hang starves the event loop, so vitest's timeout could not fire here.
    const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], { encoding: 'utf8', timeout: 10_000 });
    expect(r.signal, 'the writer hung on a window delivered before the interruption').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ delivered: [2, 3], left: [] });
  }, 20_000);
});
