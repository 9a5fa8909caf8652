// One unauthenticated request (`GET //[`) used to kill the exporter. The real exporter,
// started as a process, takes malformed targets, methods, encodings and headers over raw
// TCP, answers each with an HTTP error, and still serves /healthz afterwards.
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunningProcess } from '@ussdwatch/testkit';
import { removeTempDirsAfterAll, writeSetup } from '../serve/helpers.js';
import { spawnServe } from './serve-process.js';

removeTempDirsAfterAll();

/** Writes raw bytes and returns what came back until the server closed or answered a status line and headers. */
function raw(port: number, request: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, 5_000);
    socket.on('data', (b) => {
      got += b.toString('latin1');
      if (got.includes('\r\n\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(got);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      // A reset after the answer is the server closing a bad connection: the answer counts.
      if (got !== '') resolve(got);
      else reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    socket.write(request);
  });
}

const req = (line: string, headers = 'Host: 127.0.0.1\r\n') => `${line}\r\n${headers}\r\n`;

const HOSTILE: Array<[string, string | Buffer]> = [
  ['an authority-looking target', req('GET //[ HTTP/1.1')],
  ['an unterminated IPv6 host', req('GET //[::1 HTTP/1.1')],
  ['an absolute-form target with a broken host', req('GET http://[ HTTP/1.1')],
  ['a target of bare percent signs', req('GET //%%% HTTP/1.1')],
  ['a broken percent-encoding in the query', req('GET /api/events?short_code=%E0%A4%A HTTP/1.1')],
  ['absurd and repeated query values', req('GET /api/events?limit=1e309&limit=-1&class=__proto__ HTTP/1.1')],
  ['a prototype key as source', req('GET /api/malformed?source=__proto__ HTTP/1.1')],
  ['path traversal', req('GET /metrics/../../../../etc/passwd HTTP/1.1')],
  ['an asterisk target', req('OPTIONS * HTTP/1.1')],
  ['CONNECT', req('CONNECT 127.0.0.1:22 HTTP/1.1')],
  ['an unknown HTTP version', req('GET /healthz HTTP/9.9')],
  ['a broken Host header', req('GET / HTTP/1.1', 'Host: [\r\n')],
  ['a NUL in the target', Buffer.from('GET /\u0000 HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')],
  ['a 64 KiB header', req('GET /healthz HTTP/1.1', `Host: x\r\nX-Junk: ${'a'.repeat(65_536)}\r\n`)],
  ['a body announced larger than sent', req('POST /api/events HTTP/1.1', 'Host: x\r\nContent-Length: 99999999\r\nContent-Type: application/json\r\n') + '{"a":'],
  ['invalid UTF-8 in the target', Buffer.from('GET /api/events?short_code=\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1')],
];

describe('exporter process under hostile requests', { timeout: 60_000 }, () => {
  let proc: RunningProcess | undefined;
  afterAll(async () => proc?.stop());

  it('answers every malformed request with a 4xx (or closes it) and stays up', async () => {
    const s = await writeSetup();
    const url = `http://127.0.0.1:${s.port}`;
    proc = await spawnServe(s.configFile, url);
    const answers: Record<string, string> = {};
    for (const [what, request] of HOSTILE) {
      const got = await raw(s.port, request);
      answers[what] = got.split('\r\n')[0];
      // Never a server error: whatever reached the handlers was refused, not thrown.
      expect(got, what).not.toMatch(/^HTTP\/1\.[01] 5\d\d/);
      expect(proc.child.exitCode, `exited after ${what}:\n${proc.output().slice(-2000)}`).toBeNull();
    }
    // The headline attack is answered, not merely survived.
    expect(answers['an authority-looking target']).toMatch(/^HTTP\/1\.1 4\d\d/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
});
