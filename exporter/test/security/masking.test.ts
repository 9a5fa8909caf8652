// Subscriber numbers used to leave the exporter unmasked: raw lines in /api/malformed, and
// numbers typed into the dialed string or echoed in the menu in /api/events. Lines with a
// number in every text field, in both formats, malformed or not, from a file whose name is
// a number: no API answer and no log line shows one (mask.ts masks runs of 9 to 15 digits).
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { getJson, scrape, serverPerTest, waitForMetric, writeSetup } from '../serve/helpers.js';
import { UNMASKED_NUMBER } from './serve-process.js';

const servers = serverPerTest();

/** Every number fed below, by the digits a masked form must not show in a row. */
const FED = ['213770111111', '213770222222', '213770123456', '0770987654', '213770333333', '213770444444', '0661234567', '213770555555', '213770666666', '213770777777', '213770999999', '5500123456', '0550123456'];

const TS = '2026-11-21T13:45:02.123+01:00';
const CDR_LINES = [
  // A number in every text field; the dialed string transfers credit to a typed number.
  `${TS}|gw213770111111|s213770222222|213770123456|*140*0770987654#|PULL 213770444444|Send to +213770333333? 1:Yes|SUCCESS||1|842|6120`,
  `${TS}|gw01|abc|213770123456|*710*0550123456#|PULL|0661234567|SUCCESS||1|400|3000`,
  `${TS}|gw01|abc|213770123456|*710#|PULL||ERR_213770555555||1|400|3000`,
];
const JSON_LINE = JSON.stringify({
  ts: TS,
  node: '213770666666',
  session: '213770777777',
  msisdn: '+213770123456',
  ussd: '*123*213770555555#',
  type: 'PULL',
  menu: 'pay 0661234567 now',
  status: 'SUCCESS',
  app_ms: 120,
});
const MALFORMED_LINES = [
  'garbage from 213770123456 and 0770987654',
  `not-a-time|gw01|abc|213770123456|*710#|PULL||SUCCESS||1|400|3000`,
  // An escape must not join two digit runs into one unmasked number.
  '21377\u00010123456 5500123456',
  // A number across the sample's cut.
  'x'.repeat(505) + ' 213770123456 ' + 'y'.repeat(200),
];

function assertMasked(what: string, text: string): void {
  expect(text, what).not.toMatch(UNMASKED_NUMBER);
  for (const n of FED) expect(text, `${what} shows ${n}`).not.toContain(n.slice(2, 9));
}

describe('subscriber numbers in every field', { timeout: 30_000 }, () => {
  it('are masked in /api/events, /api/malformed, /metrics labels and every log line', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    // A log file named after a number: its name appears in samples and logs.
    appendFileSync(path.join(s.logs, '213770999999.log'), [...CDR_LINES, ...MALFORMED_LINES].join('\n') + '\n');
    writeFileSync(path.join(s.json, 'gw.jsonl'), JSON_LINE + '\n' + '{"ts":"bad 213770123456","ussd":"*1#","status":"OK"}\n');
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="parsed"}', CDR_LINES.length);
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="malformed"}', MALFORMED_LINES.length);
    await waitForMetric(server.url, 'ussd_log_lines_total{source="json",result="malformed"}', 1);
    await waitForMetric(server.url, 'ussd_log_lines_total{source="json",result="parsed"}', 1);

    const events = (await getJson(`${server.url}/api/events?limit=100`)).body.events as Array<Record<string, unknown>>;
    expect(events).toHaveLength(CDR_LINES.length + 1);
    assertMasked('/api/events', JSON.stringify(events));
    // Masked, not dropped: what an engineer needs is still there.
    const transfer = events.find((e) => String(e.ussd).startsWith('*140*'));
    expect(transfer).toMatchObject({ ussd: '*140*07*****654#', msisdn: '2137*****456', menu: 'Send to +2137*****333? 1:Yes', node: 'gw2137*****111' });
    expect(events.find((e) => e.source === 'json')).toMatchObject({ ussd: '*123*2137*****555#', msisdn: '+2137*****456', menu: 'pay 06*****567 now' });
    for (const e of events) expect(typeof e.reason).toBe('string');

    const malformed = (await getJson(`${server.url}/api/malformed`)).body.malformed as Array<Record<string, unknown>>;
    expect(malformed).toHaveLength(MALFORMED_LINES.length + 1);
    assertMasked('/api/malformed', JSON.stringify(malformed));
    expect(malformed.map((m) => m.line)).toContain('garbage from 2137*****456 and 07*****654');
    expect(malformed.find((m) => m.source === 'cdr')?.file).toBe(path.join(s.logs, '2137*****999.log'));

    // /metrics holds process figures of 9+ digits (bytes, start time): only the fed numbers are looked for.
    const metrics = await scrape(server.url);
    for (const n of FED) expect(metrics).not.toContain(n.slice(2, 9));

    const logged = server.logs.lines.map((l) => JSON.stringify(l));
    expect(logged.some((l) => l.includes('2137*****999.log'))).toBe(true);
    for (const l of logged) assertMasked('log line', l);
  });
});
