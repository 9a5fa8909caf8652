// Exact counts through what logrotate and restarts do to the files under the server.
import { appendFileSync, copyFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cdr, metric, serverPerTest, waitForMetric, writeSetup } from './helpers.js';

const PARSED = 'ussd_log_lines_total{source="cdr",result="parsed"}';
const OK_710 = 'ussd_dialogs_total{short_code="*710#",class="ok"}';

function lines(n: number): string {
  return Array.from({ length: n }, () => cdr() + '\n').join('');
}

const servers = serverPerTest();

/** A server on a fresh setup whose gw01.log already had `n` lines counted. */
async function counting(n: number) {
  const s = await writeSetup();
  const server = await servers.start(s.configFile);
  const log = path.join(s.logs, 'gw01.log');
  appendFileSync(log, lines(n));
  await waitForMetric(server.url, PARSED, n);
  return { server, log };
}

describe('serve through rotation, truncation and restart', { timeout: 30_000 }, () => {
  it('loses nothing on rename-and-create rotation, with writes racing the rotation', async () => {
    const { server, log } = await counting(100);
    appendFileSync(log, lines(30));
    renameSync(log, `${log}.1`);
    appendFileSync(`${log}.1`, lines(20)); // the writer still holds the old file
    appendFileSync(log, lines(70));
    await waitForMetric(server.url, PARSED, 220);
    renameSync(log, `${log}.2`);
    appendFileSync(log, lines(5));
    await waitForMetric(server.url, PARSED, 225);
    expect(await metric(server.url, OK_710)).toBe(225);
  });

  it('loses nothing on copytruncate with unread lines at the moment of the copy', async () => {
    const { server, log } = await counting(100);
    appendFileSync(log, lines(30));
    copyFileSync(log, `${log}.1`);
    truncateSync(log, 0);
    appendFileSync(log, lines(40));
    await waitForMetric(server.url, PARSED, 170);
    expect(await metric(server.url, OK_710)).toBe(170);
  });

  it('reads a file emptied and rewritten from its new beginning', async () => {
    const { server, log } = await counting(50);
    writeFileSync(log, lines(10));
    await waitForMetric(server.url, PARSED, 60);
  });

  it('continues after a restart from the saved positions: nothing lost, nothing counted twice', async () => {
    const s = await writeSetup();
    const log = path.join(s.logs, 'gw01.log');
    let server = await servers.start(s.configFile);
    appendFileSync(log, lines(40));
    await waitForMetric(server.url, PARSED, 40);
    await servers.stop();
    // Written while the exporter is down, including a rotation.
    appendFileSync(log, lines(15));
    renameSync(log, `${log}.1`);
    appendFileSync(log, lines(7));
    server = await servers.start(s.configFile);
    await waitForMetric(server.url, PARSED, 22);
    appendFileSync(log, lines(3));
    await waitForMetric(server.url, PARSED, 25);
    expect(await metric(server.url, OK_710)).toBe(25);
  });
});
