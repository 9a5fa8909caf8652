// Codes starting with # (classification.md) through the real server: accepted at start-up,
// labelled as written, kept apart from the same digits starting with *, reachable in the
// events API, and checked by the real promtool as valid exposition.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdr, getJson, samples, scrape, serverPerTest, waitForMetric, writeSetup } from './helpers.js';

const servers = serverPerTest();

describe('codes starting with #', { timeout: 30_000 }, () => {
  it('are counted under their own labels, apart from the * code of the same digits', async () => {
    const s = await writeSetup();
    const hashCodes = '    - { code: "#123#", name: Diese, team: care }\n    - { code: "*123#", name: Etoile, team: care }\n';
    writeFileSync(s.configFile, readFileSync(s.configFile, 'utf8').replace('  short_codes:\n', `  short_codes:\n${hashCodes}`));
    const server = await servers.start(s.configFile);
    const lines = [
      cdr({ ussd: '#123#' }),
      cdr({ ussd: '#123*4#' }),
      cdr({ ussd: '*123#' }),
      cdr({ ussd: '#124#', status: 'NO_ROUTING_RULE', app: '' }),
      cdr({ ussd: '#710#', status: 'NO_ROUTING_RULE', app: '' }),
    ];
    writeFileSync(path.join(s.logs, 'gw01.log'), lines.join('\n') + '\n');
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="parsed"}', lines.length);
    const text = await scrape(server.url);
    const m = samples(text);
    expect(m.get('ussd_shortcode_info{short_code="#123#",name="Diese",team="care"}')).toBe(1);
    expect(m.get('ussd_dialogs_total{short_code="#123#",class="ok"}')).toBe(2);
    expect(m.get('ussd_dialogs_total{short_code="*123#",class="ok"}')).toBe(1);
    expect(m.get('ussd_wrong_code_total{near_code="#123#"}')).toBe(1);
    expect(m.get('ussd_wrong_code_total{near_code="none"}')).toBe(1); // #710#: *710# is of the other family

    const events = await getJson(`${server.url}/api/events?short_code=%23123%23`);
    expect(events.status).toBe(200);
    expect((events.body.events as Array<{ ussd: string }>).map((e) => e.ussd).sort()).toEqual(['#123#', '#123*4#']);

    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.error).toBeUndefined();
    // promtool's lint notes (e.g. counters without _total) exit 3; a parse error exits 1.
    expect(check.stderr + check.stdout).not.toMatch(/error while linting|text format parsing error/);
  });
});
