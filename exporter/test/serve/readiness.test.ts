// /ready over HTTP when the sources cannot be read: missing folders in this process, and
// permissions with the real command line run as a user the folder shuts out.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startProcess, waitFor, type RunningProcess } from '@ussdwatch/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { EXPORTER_DIR, getJson, serverPerTest, tempDir, TEST_CATALOGUE, type TestServer } from './helpers.js';

const CLI = fileURLToPath(new URL('../cli-classify/run-cli.ts', import.meta.url));
const servers = serverPerTest();

/** A config whose sources are `sources` (YAML flow mappings); no DPSS. */
async function writeConfig(dir: string, sources: string[]): Promise<{ file: string; port: number }> {
  const port = await freePort();
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, `listen: 127.0.0.1:${port}\nstate_dir: ./state\n${TEST_CATALOGUE}sources:\n${sources.map((s) => `  - ${s}\n`).join('')}`);
  return { file, port };
}

/** /ready once its answer passes `check`. */
function readyWhen(url: string, check: (r: { status: number; body: Record<string, unknown> }) => boolean, what: string) {
  return waitFor(
    async () => {
      const r = await getJson(`${url}/ready`);
      return check(r) ? r : undefined;
    },
    { timeoutMs: 10_000, what: `/ready ${what}` },
  );
}

const answers = (status: number) => (r: { status: number }) => r.status === status;

describe('/ready and the sources', { timeout: 30_000 }, () => {
  it('503 naming each source while no source can be read; 200 once one folder exists', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'blocked'));
    writeFileSync(path.join(dir, 'blocked/not-a-folder'), 'a file where a folder should be');
    const { file } = await writeConfig(dir, [
      '{ name: plain, path: ./missing/gw01.log }',
      '{ name: globbed, path: "./later/*.log" }',
      '{ name: under_a_file, path: ./blocked/not-a-folder/gw.log }',
    ]);
    const server: TestServer = await servers.start(file);
    const r = await getJson(`${server.url}/ready`);
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('not ready');
    expect(r.body.reason).toBe(
      `no source can be read: plain: cannot read the folder ${path.join(dir, 'missing')} (ENOENT); ` +
        `globbed: cannot read the folder ${path.join(dir, 'later')} (ENOENT); ` +
        `under_a_file: ${path.join(dir, 'blocked/not-a-folder')} is not a folder`,
    );
    expect((await getJson(`${server.url}/healthz`)).status).toBe(200);

    // An empty folder is enough: the tailer picks the files up as they appear.
    mkdirSync(path.join(dir, 'later'));
    expect((await readyWhen(server.url, answers(200), '200')).body).toEqual({ status: 'ready' });
  });

  it('no source configured: ready (a DPSS-only exporter has nothing to tail)', async () => {
    const dir = tempDir();
    const port = await freePort();
    const file = path.join(dir, 'config.yaml');
    writeFileSync(file, `listen: 127.0.0.1:${port}\nstate_dir: ./state\n${TEST_CATALOGUE}dpss: { spool: ./dpss }\n`);
    mkdirSync(path.join(dir, 'dpss'));
    const server = await servers.start(file);
    expect(await getJson(`${server.url}/ready`)).toEqual({ status: 200, body: { status: 'ready' } });
  });
});

describe('/ready and permissions, with the real command line', { timeout: 60_000 }, () => {
  let proc: RunningProcess | undefined;
  afterEach(async () => {
    await proc?.stop();
    proc = undefined;
  });

  it('503 while the folder or the file is not readable by the exporter; 200 once it is', async () => {
    // root reads everything: as root, serve runs as nobody, which the folder's mode shuts out.
    const asRoot = process.getuid?.() === 0;
    const user = asRoot ? { uid: 65534, gid: 65534 } : {};
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const state = path.join(dir, 'state');
    mkdirSync(state, { mode: 0o777 });
    chmodSync(state, 0o777);
    const logs = path.join(dir, 'logs');
    mkdirSync(logs);
    writeFileSync(path.join(logs, 'gw01.log'), '');
    const closed = asRoot ? 0o700 : 0o000;
    chmodSync(logs, closed);
    const { file, port } = await writeConfig(dir, ['{ name: gw01, path: "./logs/*.log" }']);
    const url = `http://127.0.0.1:${port}`;
    proc = await startProcess(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'serve', '--config', file], { cwd: EXPORTER_DIR, name: 'ussdwatch serve', ...user });
    const folderShut = await readyWhen(url, (r) => String(r.body.reason).startsWith('no source can be read'), 'about the folder');
    expect(folderShut.body.reason).toBe(`no source can be read: gw01: cannot read the folder ${logs} (EACCES)`);

    // The folder opens, its file stays shut.
    chmodSync(logs, 0o755);
    chmodSync(path.join(logs, 'gw01.log'), closed);
    const fileShut = await readyWhen(url, (r) => String(r.body.reason).includes('cannot open'), 'about the file');
    expect(fileShut.body.reason).toBe(`no source can be read: gw01: cannot open ${path.join(logs, 'gw01.log')} (EACCES)`);

    chmodSync(path.join(logs, 'gw01.log'), 0o644);
    expect((await readyWhen(url, answers(200), '200')).body).toEqual({ status: 'ready' });
  });
});
