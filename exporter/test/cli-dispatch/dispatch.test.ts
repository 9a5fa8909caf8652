// `ussdwatch OTHER` runs the program ussdwatch-OTHER, git-style: found on PATH, given the
// remaining arguments, its exit status passed on; a name that is not a word runs nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findExternal } from '../../src/cli/main.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-dispatch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const program = join(dir, 'ussdwatch-hello');
writeFileSync(program, `#!/bin/sh\nprintf '%s\\n' "$@" > "${dir}/args"\nexit 7\n`);
chmodSync(program, 0o755);
const MAIN = join(import.meta.dirname, '../../src/cli/main.ts');

function ussdwatch(args: string[]) {
  const script = `import { main } from ${JSON.stringify(MAIN)}; process.exitCode = await main(${JSON.stringify(args)});`;
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH}` },
  });
}

describe('git-style dispatch', () => {
  it('runs ussdwatch-NAME from PATH with the remaining arguments and passes its exit status on', () => {
    const r = ussdwatch(['hello', '--period', 'day', 'a b']);
    expect(r.status, r.stderr).toBe(7);
    expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('--period\nday\na b\n');
  });

  it('refuses an unknown command with the usage when no program has its name (exit 2)', () => {
    const r = ussdwatch(['nosuchcommand']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'nosuchcommand'");
    expect(r.stderr).toContain('ussdwatch-OTHER');
  });

  it('never looks up a name that is not a plain word (no path, no option)', () => {
    expect(findExternal('hello', dir)).toBe(program);
    expect(findExternal('../hello', dir)).toBeNull();
    expect(findExternal('hello/x', dir)).toBeNull();
  });
});
