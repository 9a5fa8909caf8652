// The simulator's control endpoint with a web config (USSDWATCH_WEB_CONFIG_FILE): faults
// need the act role, listing them a read credential, TLS only; refusals as the services'.
// And its client, `ussdwatch-simulate fault`, against it: credentials and the CA from
// files, and a clear message for each way the call can be refused.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACT_TOKEN, basic, bearer, call, demoTokenWebConfig, freePort, makeSecrets, READ_PASSWORD, refusedStart, runToExit, startService, type Service } from './helpers.js';

const secrets = makeSecrets();
const ca = readFileSync(secrets.cert);
const out = join(secrets.dir, 'logs');
const dpss = join(secrets.dir, 'dpss');
mkdirSync(out);
mkdirSync(dpss);
const simulate = (control: string) => ['--out', out, '--dpss-dir', dpss, '--rate', '5', '--seed', '1', '--control', control];
const FAULT = JSON.stringify({ scenario: 'app_down', target: '*710#' });

describe('simulator control with a web config', () => {
  let sim: Service;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    sim = await startService('simulator', simulate(`127.0.0.1:${port}`), `https://127.0.0.1:${port}`, { ca, env: { USSDWATCH_WEB_CONFIG_FILE: secrets.webConfig } });
  });
  afterAll(() => sim?.stop());

  it('answers 401 without credentials, 403 to a read user starting a fault, 201 to the act token', async () => {
    const none = await call(`${sim.url}/faults`, { method: 'POST', body: FAULT, ca });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toContain('Bearer');
    expect((await call(`${sim.url}/faults`, { method: 'POST', body: FAULT, authorization: basic('grafana', READ_PASSWORD), ca })).status).toBe(403);
    const started = await call(`${sim.url}/faults`, { method: 'POST', body: FAULT, authorization: bearer(ACT_TOKEN), ca });
    expect(started.status).toBe(201);
    const { id } = JSON.parse(started.body) as { id: string };
    expect((await call(`${sim.url}/faults/${id}`, { method: 'DELETE', authorization: basic('grafana', READ_PASSWORD), ca })).status).toBe(403);
    expect((await call(`${sim.url}/faults`, { ca })).status).toBe(401);
    const listed = await call(`${sim.url}/faults`, { authorization: basic('grafana', READ_PASSWORD), ca });
    expect(JSON.parse(listed.body)).toMatchObject({ faults: [{ id, scenario: 'app_down' }] });
    expect((await call(`${sim.url}/faults/${id}`, { method: 'DELETE', authorization: bearer(ACT_TOKEN), ca })).status).toBe(200);
  });

  it('does not answer plain HTTP on its TLS port', async () => {
    const plain = await call(`http://127.0.0.1:${port}/faults`, { method: 'POST', body: FAULT, authorization: bearer(ACT_TOKEN) }).catch((err: Error) => err);
    if (!(plain instanceof Error)) expect(plain.status).toBeGreaterThanOrEqual(400);
  });

  it('`ussdwatch-simulate fault` starts, lists and stops a fault with the act token and the CA from files', async () => {
    const passwordFile = join(secrets.dir, 'grafana.password');
    writeFileSync(passwordFile, `${READ_PASSWORD}\n`);
    const fault = (...args: string[]) => runToExit('simulator', ['fault', ...args, '--control', sim.url]);
    const act = ['--token-file', secrets.actTokenFile, '--ca-file', secrets.cert];
    const read = ['--user', 'grafana', '--password-file', passwordFile, '--ca-file', secrets.cert];

    const started = await fault('start', 'slow_app:*720#', '--share', '0.5', ...act);
    expect(started.code, started.output).toBe(0);
    const id = /^(f\d+)$/m.exec(started.output)?.[1];
    expect(id, started.output).toBeDefined();
    const listed = await fault('list', ...read);
    expect(listed.code, listed.output).toBe(0);
    expect(listed.output).toMatch(new RegExp(`^${id}\tslow_app\t\\*720#\tshare 0.5`, 'm'));

    // Each refusal says what to give instead, and changes nothing.
    const refused: Array<[string[], RegExp]> = [
      [['start', 'app_down:*710#', ...read], /refused POST \/faults \(403\): these credentials only read; starting or stopping a fault needs the act role/],
      [['stop', id!, ...read], /refused DELETE \/faults\/f\d+ \(403\)/],
      [['start', 'app_down:*710#', '--ca-file', secrets.cert], /refused the credentials \(401: no credentials.*give --token-file FILE, or --user NAME with --password-file FILE/],
      [['start', 'app_down:*710#', '--token-file', passwordFile, '--ca-file', secrets.cert], /refused the credentials \(401: wrong bearer token/],
      [['start', 'app_down:*710#', '--token-file', secrets.actTokenFile], /cannot trust the certificate of the simulator at https:\/\/127\.0\.0\.1:\d+ .*give --ca-file with the CA that signed it/],
    ];
    for (const [args, message] of refused) {
      const r = await fault(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.output, args.join(' ')).toMatch(message);
    }
    const plain = await runToExit('simulator', ['fault', 'list', ...act, '--control', `http://127.0.0.1:${port}`]);
    expect(plain.code).toBe(1);
    expect(plain.output).toMatch(/cannot reach the simulator at http:\/\/127\.0\.0\.1:\d+: .*\(does it speak TLS\? then use https:\/\/\)/);

    const stopped = await fault('stop', id!, ...act);
    expect(stopped.code, stopped.output).toBe(0);
    expect(JSON.parse((await call(`${sim.url}/faults`, { authorization: bearer(ACT_TOKEN), ca })).body)).toEqual({ faults: [] });
  });
});

describe('simulator control start-up refusals', () => {
  it('refuses every interface without a web config', async () => {
    const r = await refusedStart('simulator', simulate(`0.0.0.0:${await freePort()}`));
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/refuses to listen on 0\.0\.0\.0 without a web config.*USSDWATCH_WEB_CONFIG_FILE/);
  });

  it("refuses in production with the repository's demo token", async () => {
    const r = await refusedStart('simulator', simulate(`127.0.0.1:${await freePort()}`), { USSDWATCH_PRODUCTION: '1', USSDWATCH_WEB_CONFIG_FILE: demoTokenWebConfig(secrets) });
    expect(r.code).toBe(2);
    expect(r.output).toMatch(/is the demo token shipped in the ussdwatch repository/);
  });
});
