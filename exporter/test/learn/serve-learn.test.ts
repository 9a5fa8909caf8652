// The real server with a model: the second opinion beside the rules in /metrics, in
// /api/events and in /api/proposals; the menu funnel; the learn config checked at start.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { writeModelFile } from '../../src/learn/model-file.js';
import { cdr, getJson, samples, scrape, serverPerTest, waitForMetric, writeSetup } from '../serve/helpers.js';
import { smallModel } from './history-fixture.js';

const servers = serverPerTest();

describe('serve with a learned model', { timeout: 30_000 }, () => {
  it('guesses only unclassified dialogs, beside the rules, and proposes the status', async () => {
    const s = await writeSetup('learn: { model: ./model.json, min_confidence: 0.35, propose_after: 5 }\n');
    writeModelFile(path.join(s.dir, 'model.json'), smallModel());
    const server = await servers.start(s.configFile);
    const renamed = Array.from({ length: 8 }, () => cdr({ status: 'DIALOG_TIMEOUT_EXPIRED', menu: '1*2', app: '300', dialog: '61000' }));
    const lines = [...renamed, cdr({ status: 'SUCCESS', menu: '1' }), cdr({ status: 'FAILED_DIALOG_TIMEOUT', menu: '1*2', dialog: '61000' })];
    writeFileSync(path.join(s.logs, 'gw01.log'), lines.join('\n') + '\n');
    await waitForMetric(server.url, 'ussd_log_lines_total{source="cdr",result="parsed"}', 10);
    const m = samples(await scrape(server.url));
    // The rules still count them as unclassified: the guess is a separate metric.
    expect(m.get('ussd_dialogs_total{short_code="*710#",class="unclassified"}')).toBe(8);
    expect(m.get('ussd_errors_total{short_code="*710#",class="user",cause="abandoned"}')).toBe(1);
    expect(m.get('ussd_unclassified_guesses_total{short_code="*710#",class="user",cause="abandoned"}')).toBe(8);
    expect([...m.keys()].filter((k) => k.startsWith('ussd_unclassified_guesses_total'))).toHaveLength(1);
    expect(m.get('ussd_menu_dialogs_total{short_code="*710#",depth="2",outcome="unclassified"}')).toBe(8);
    expect(m.get('ussd_menu_dialogs_total{short_code="*710#",depth="2",outcome="abandoned"}')).toBe(1);
    expect(m.get('ussd_menu_dialogs_total{short_code="*710#",depth="1",outcome="completed"}')).toBe(1);

    const unclassified = await getJson(`${server.url}/api/events?class=unclassified`);
    const events = unclassified.body.events as Array<{ guess: { confidence: number } }>;
    expect(events).toHaveLength(5); // events_per_key
    for (const e of events) {
      expect(e).toMatchObject({ class: 'unclassified', cause: 'unknown_status', guess: { class: 'user', cause: 'abandoned', confident: true } });
      expect(e.guess.confidence).toBeGreaterThanOrEqual(0.35);
    }
    const ok = (await getJson(`${server.url}/api/events?class=ok`)).body.events as Array<Record<string, unknown>>;
    expect(ok[0]).not.toHaveProperty('guess');

    const proposals = await getJson(`${server.url}/api/proposals`);
    expect(proposals.status).toBe(200);
    const [p] = proposals.body.statuses as Array<Record<string, unknown>>;
    expect(p).toMatchObject({ source: 'cdr', status: 'DIALOG_TIMEOUT_EXPIRED', dialogs: 8, agreeing: 8, proposed: true, yaml: 'statuses:\n  DIALOG_TIMEOUT_EXPIRED: user/abandoned\n' });
    expect(proposals.body.model).toMatchObject({ file: path.join(s.dir, 'model.json'), min_confidence: 0.35, propose_after: 5 });
  });

  it('answers the proposals API without a model, with no statuses', async () => {
    const s = await writeSetup();
    const server = await servers.start(s.configFile);
    expect((await getJson(`${server.url}/api/proposals`)).body).toEqual({ model: null, statuses: [] });
  });

  it('refuses a bad learn section at start-up, naming file, line, key and fix', async () => {
    const errorOf = async (extra: string) => {
      const s = await writeSetup(extra);
      try {
        loadConfig(s.configFile);
      } catch (err) {
        return { message: (err as Error).message, s };
      }
      throw new Error('accepted');
    };
    const missing = await errorOf('learn:\n  model: ./nope.json\n');
    expect(missing.message).toContain(`${missing.s.configFile}:16: learn.model: model file ${path.join(missing.s.dir, 'nope.json')} does not exist; write it with \`ussdwatch train --out`);
    const notJson = await errorOf('learn: { model: ./config.yaml, min_confidence: 2 }\n');
    expect(notJson.message).toContain('config.yaml: (top level): not JSON');
    const s = await writeSetup('learn: { model: ./m.json, min_confidence: 2 }\n');
    writeModelFile(path.join(s.dir, 'm.json'), smallModel());
    expect(() => loadConfig(s.configFile)).toThrow(/:15: learn\.min_confidence: expected a number from 0 to 1; got 2/);
  });
});
