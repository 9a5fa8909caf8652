// Attack: flood the notifier with requests it refuses (no or wrong token, unknown paths of
// 15 KB, wrong methods, garbage). Before: each was fsynced into the journal verbatim
// (20,000 added 313 MB and a 15 s, 743 MB start). Now they are counted, never journaled;
// a refused payload from the token holder is journaled in a bounded, masked form.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNotifier, type RunningNotifier } from '../../src/service.js';
import { journal, postWebhook, testConfig, TOKEN, type TestConfig } from '../helpers.js';

let tc: TestConfig;
let notifier: RunningNotifier;

beforeAll(async () => {
  // No delivery happens here: nothing listens at the gateway addresses.
  tc = await testConfig({ sendsmsUrl: 'http://127.0.0.1:9/cgi-bin/sendsms', smtpPort: 9 });
  notifier = await startNotifier(tc.cfg);
});

afterAll(async () => {
  await notifier?.stop();
  await tc?.cleanup();
});

async function journalBytes(): Promise<number> {
  const dir = join(tc.dir, 'journal');
  let n = 0;
  for (const f of await readdir(dir)) n += (await stat(join(dir, f))).size;
  return n;
}

const refused = async (reason: string) => {
  const text = await (await fetch(`${notifier.url}/metrics`)).text();
  return Number(new RegExp(`^notifier_requests_refused_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1]);
};

it('counts 2,000 refused requests without journaling any of them, and stays healthy', async () => {
  const before = await journalBytes();
  const long = `/api/${'A'.repeat(15_000)}`;
  const attacks: (() => Promise<Response>)[] = [
    () => fetch(`${notifier.url}/webhook/tier3`, { method: 'POST', headers: { authorization: 'Bearer forged' }, body: '{"version":"4"}' }),
    () => fetch(`${notifier.url}/webhook/tier3`, { method: 'POST', body: 'x'.repeat(10_000) }),
    () => fetch(`${notifier.url}${long}`, { method: 'POST', body: 'junk' }),
    () => fetch(`${notifier.url}/webhook/tier1`),
  ];
  for (let round = 0; round < 20; round++) {
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => attacks[i % attacks.length]()));
    for (const a of answers) {
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(a.status).toBeLessThan(500);
      await a.arrayBuffer();
    }
  }
  expect(await refused('unauthorized')).toBe(1000);
  expect(await refused('not_found')).toBe(500);
  expect(await refused('method_not_allowed')).toBe(500);
  expect(await journalBytes()).toBe(before);
  expect((await fetch(`${notifier.url}/healthz`)).status).toBe(200);
});

it('journals a refused payload from the token holder masked and cut, whatever it quoted', async () => {
  const quoted = `{"version":"4","x":"213770123456 noc-billing@djezzy.dz ${'y'.repeat(100_000)}`;
  const res = await postWebhook(notifier.url, '2', quoted, TOKEN);
  expect(res.status).toBe(400);
  const [latest] = await journal(notifier.url, '?limit=1');
  expect(latest).toMatchObject({ kind: 'rejected', reason: 'bad_json' });
  expect((latest.message as string).length).toBeLessThanOrEqual(200);
  expect(JSON.stringify(latest)).not.toMatch(/213770123456|noc-billing@/);
});

it('answers the journal API without any CORS header', async () => {
  const res = await fetch(`${notifier.url}/api/journal?limit=1`, { headers: { origin: 'https://evil.example' } });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBeNull();
});
