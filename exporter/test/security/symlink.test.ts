// A symbolic link in a log folder used to make the exporter read, and show in
// /api/malformed, any file it could read. Links whose real path leaves the source's folder
// are now skipped, reported once, unless the source says follow_symlinks_outside: true.
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Harness, lines, range, scenario } from '../tailer/harness.js';
import { getJson, samples, scrape, serverPerTest, tempDir, waitForMetric, writeSetup } from '../serve/helpers.js';

const SECRET = 'root:x:0:0:secret-root-line:/root:/bin/bash\nsvc:x:999:999::/home/svc:/usr/sbin/nologin\n';
const servers = serverPerTest();

/** A passwd-like file outside every log folder, named like a log. */
function secretFile(): string {
  const file = join(tempDir('ussdwatch-secret-'), 'passwd.log');
  writeFileSync(file, SECRET);
  return file;
}

describe('symbolic links leaving a source folder', { timeout: 30_000 }, () => {
  it('the tailer skips a linked file and a linked folder outside, reports each once, and keeps tailing the rest', async () => {
    const { logs, state } = scenario(tempDir('ussdwatch-links-'));
    const secret = secretFile();
    symlinkSync(secret, join(logs, 'gw02.log'));
    symlinkSync(join(secret, '..'), join(logs, 'outside'));
    mkdirSync(join(logs, 'gw03'));
    writeFileSync(join(logs, 'gw03', 'ussd.log'), lines(1, 2));
    // A link that stays inside is an ordinary log layout (current.log -> today's file).
    symlinkSync(join(logs, 'gw03', 'ussd.log'), join(logs, 'current.log'));
    const h = await Harness.open(state, { glob: join(logs, '**/*.log') });
    for (let i = 0; i < 3; i++) await h.tailer.pollOnce();
    appendFileSync(join(logs, 'gw03', 'ussd.log'), lines(3, 3));
    await h.pollUntil(3);
    expect(h.seqs()).toEqual(range(1, 3));
    expect(h.delivered.some((d) => d.line.includes('secret-root-line'))).toBe(false);
    const errors = h.events.filter((e) => e.kind === 'error');
    expect(errors.map((e) => e.file).sort()).toEqual([join(logs, 'gw02.log'), join(logs, 'outside', 'passwd.log')]);
    expect(errors[0].message).toMatch(/outside the source's folder .*: it is not read \(set follow_symlinks_outside: true on the source to read it\)/);
    await h.tailer.stop();
  });

  it('follow_symlinks_outside: true reads them', async () => {
    const { logs, state } = scenario(tempDir('ussdwatch-links-'));
    const target = join(tempDir('ussdwatch-elsewhere-'), 'gw01.log');
    writeFileSync(target, lines(1, 2));
    symlinkSync(target, join(logs, 'gw01.log'));
    const h = await Harness.open(state, { glob: join(logs, '*.log'), followSymlinksOutside: true });
    await h.pollUntil(2);
    expect(h.seqs()).toEqual([1, 2]);
    await h.tailer.stop();
  });

  it('the running exporter never serves the linked file, and counts and logs it once', async () => {
    const s = await writeSetup();
    symlinkSync(secretFile(), join(s.logs, 'evil.log'));
    const server = await servers.start(s.configFile);
    const ERRORS = 'ussd_tailer_events_total{source="cdr",kind="error"}';
    await waitForMetric(server.url, ERRORS, 1);
    // Many more polls: still reported once.
    appendFileSync(join(s.logs, 'gw01.log'), 'not a cdr line\n');
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="malformed"}', 1);
    const m = samples(await scrape(server.url));
    expect(m.get(ERRORS)).toBe(1);
    expect(m.get('ussd_log_lines_total{source="cdr",result="malformed"}')).toBe(1);
    const { body } = await getJson(`${server.url}/api/malformed`);
    expect(JSON.stringify(body)).not.toContain('secret-root-line');
    const logged = server.logs.lines.filter((l) => l.msg === 'tailer error');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'warn', source: 'cdr', file: join(s.logs, 'evil.log') });
  });
});
