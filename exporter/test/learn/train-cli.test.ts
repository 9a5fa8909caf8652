// `ussdwatch train` end to end through main(), in this process (the child-process path of
// the CLI is covered by classify's tests; both share log-input.ts).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Dialog } from '../../src/core/types.js';
import { loadModelFile } from '../../src/learn/model-file.js';
import { history } from './history-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'ussdwatch-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CATALOGUE = join(dir, 'catalogue.yaml');
writeFileSync(CATALOGUE, 'short_codes:\n  - { code: "*710#", name: Solde, team: billing, slow_ms: 2000 }\n  - { code: "*720#", name: Forfaits, team: offers }\n  - { code: "*720*1#", name: Forfaits internet, team: offers }\n');

const cdrLine = (d: Dialog) =>
  [new Date(d.ts).toISOString(), d.node, d.session, d.msisdn, d.ussd, d.type, d.menu, d.status, d.mapError ?? '', d.steps ?? '', d.appMs ?? '', d.dialogMs ?? ''].join('|');

async function train(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c: string | Uint8Array) => ((stderr += String(c)), true));
  try {
    return { code: await main(['train', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('ussdwatch train', () => {
  it('learns from a log file, prints its agreement with the rules by class/cause and writes a model serve loads', async () => {
    const log = join(dir, 'gw01.log');
    writeFileSync(log, history(5_000, 2, { FAILED_USSD_BUSY: 'NEW_VENDOR_STATUS' }).map(cdrLine).join('\n') + '\nnot a dialog\n');
    const model = join(dir, 'model.json');
    const r = await train(['--catalogue', CATALOGUE, '--out', model, '--trees', '5', log]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^read 5001 lines \(1 malformed, \d+ unclassified, not learned from\) in [\d.]+ s$/m);
    expect(r.stdout).toMatch(/^trained 5 trees on \d+ dialogs .* in [\d.]+ s; .*CPU [\d.]+ s\)$/m);
    expect(r.stdout).toMatch(/^held-out dialogs: \d+; agreement with the rules: class\/cause (9\d|100)\.\d\d %, class (9\d|100)\.\d\d %$/m);
    expect(r.stdout).toMatch(/^ {2}internal\/overload +\d+ +\d+\.\d\d % +\d+\.\d\d %$/m);
    expect(r.stdout).toContain(`model written to ${model}`);
    expect(loadModelFile(model).forest.trees).toHaveLength(5);
  });

  it.each([
    [[] as string[], '--out FILE is required'],
    [['--out', join(dir, 'm.json'), '--trees', '0'], '--trees must be an integer from 1 to 500; got "0"'],
    [['--out', join(dir, 'm.json'), '--held-out', '1'], '--held-out must be a share from 0 to below 1'],
    [['--out', join(dir, 'm.json'), join(dir, 'absent.log')], 'cannot read'],
  ])('refuses %j with exit status 2', async (args, message) => {
    const r = await train(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('says there is nothing to learn from when no line is a classified dialog', async () => {
    const log = join(dir, 'junk.log');
    writeFileSync(log, 'junk\n');
    const r = await train(['--out', join(dir, 'none.json'), log]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no classified dialog to learn from');
  });
});
