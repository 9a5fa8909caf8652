import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './net.js';
import { startProcess, type RunningProcess } from './process.js';
import { waitFor } from './wait.js';

export const FAKESMSC = '/usr/lib/kannel/test/fakesmsc';

/** One SMS as the fake SMSC received it from bearerbox. */
export interface ReceivedSms {
  from: string;
  to: string;
  /** 'text' for 7/8-bit texts, 'ucs-2' when Kannel sent it UCS-2 coded. */
  type: string;
  /** The message decoded back to a JS string. */
  text: string;
}

export interface KannelGateway {
  /** Full URL of smsbox's sendsms interface, e.g. http://127.0.0.1:PORT/cgi-bin/sendsms. */
  sendsmsUrl: string;
  user: string;
  password: string;
  /** Everything fakesmsc received so far, oldest first. */
  received(): ReceivedSms[];
  /**
   * A reply typed on a phone (MO): fakesmsc, restarted with this one message, sends it
   * through bearerbox to smsbox's sms-service (moUrl). SMS sent meanwhile wait in bearerbox.
   */
  sendMo(from: string, text: string): Promise<void>;
  /** Output of the three processes, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface KannelOptions {
  user?: string;
  password?: string;
  readyTimeoutMs?: number;
  /**
   * Where smsbox forwards replies (MO), as the notifier's /api/sms/mo with its callback
   * token: `%p` (sender) and `%a` (text) are added. Its answer goes back as an SMS.
   * Without it, MO messages are swallowed.
   */
  moUrl?: string;
  /**
   * Numbers starting with this are refused by the SMSC's routing (denied-prefix): sendsms
   * accepts them, then the delivery report says failed, like an unreachable handset.
   */
  undeliverablePrefix?: string;
}

// fakesmsc prints what bearerbox delivers as "Got message N: <from to type data>": text as
// is, UCS-2 as url-encoded big-endian bytes.
const GOT_MESSAGE = /Got message \d+: <(\S+) (\S+) (\S+) (.*)>$/gm;

function percentDecodeBytes(data: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < data.length; i++) {
    const c = data[i];
    if (c === '%') {
      bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(c === '+' ? 0x20 : c.charCodeAt(0));
  }
  return Buffer.from(bytes);
}

function decode(type: string, data: string): string {
  if (type !== 'ucs-2') return data;
  // Node decodes only little-endian UTF-16, so swap the big-endian pairs first.
  return percentDecodeBytes(data).swap16().toString('utf16le');
}

function parseReceived(output: string): ReceivedSms[] {
  const out: ReceivedSms[] = [];
  for (const m of output.matchAll(GOT_MESSAGE)) {
    out.push({ from: m[1], to: m[2], type: m[3], text: decode(m[3], m[4]) });
  }
  return out;
}

/**
 * Real Kannel: bearerbox + smsbox, with fakesmsc (from kannel-extras) as the SMSC, all on
 * free loopback ports. Resolves once the fake SMSC is online and sendsms answers.
 */
export async function startKannel(opts: KannelOptions = {}): Promise<KannelGateway> {
  const { user = 'ussdwatch', password = 'kannel-test-pass', readyTimeoutMs = 20_000 } = opts;
  const moService = opts.moUrl
    ? `# Replies go to the notifier; its answer (a confirmation) is sent back, an empty one is not.
group = sms-service
keyword = default
get-url = "${opts.moUrl}${opts.moUrl.includes('?') ? '&' : '?'}from=%p&text=%a"
max-messages = 1
omit-empty = true
accept-x-kannel-headers = false
`
    : `# fakesmsc's own MO message must not produce a reply, or it would be counted as received.
group = sms-service
keyword = default
text = ""
max-messages = 0
`;
  const dir = await mkdtemp(join(tmpdir(), 'ussdwatch-kannel-'));
  const [adminPort, smsboxPort, smscPort, sendsmsPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const adminPassword = 'admin-test-pass';
  const conf = join(dir, 'kannel.conf');
  await writeFile(conf, `group = core
admin-port = ${adminPort}
admin-password = ${adminPassword}
admin-interface = 127.0.0.1
admin-allow-ip = 127.0.0.1
smsbox-port = ${smsboxPort}
smsbox-interface = 127.0.0.1
box-allow-ip = 127.0.0.1
log-file = "${join(dir, 'bearerbox.log')}"
log-level = 1

group = smsc
smsc = fake
smsc-id = fake
host = 127.0.0.1
port = ${smscPort}
connect-allow-ip = 127.0.0.1
${opts.undeliverablePrefix ? `denied-prefix = "${opts.undeliverablePrefix}"\n` : ''}
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = ${smsboxPort}
sendsms-port = ${sendsmsPort}
sendsms-interface = 127.0.0.1
log-file = "${join(dir, 'smsbox.log')}"
log-level = 1
${opts.moUrl ? 'reply-requestfailed = ""\nreply-couldnotfetch = ""\nreply-emptymessage = ""\n' : ''}
group = sendsms-user
username = ${user}
password = ${password}
user-allow-ip = 127.0.0.1
max-messages = 1

${moService}`);
  const procs: RunningProcess[] = [];
  const logs = () => procs.map((p) => p.output().slice(-3000)).join('\n---\n');
  const stop = async () => {
    for (const p of [...procs].reverse()) await p.stop(3000);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    procs.push(await startProcess('bearerbox', [conf], {
      name: 'bearerbox',
      readyUrl: `http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`,
      readyTimeoutMs,
    }));
    // fakesmsc exits once it has sent its -m messages; the long interval keeps it connected.
    const fakesmsc = (message: string) => startProcess(FAKESMSC, ['-H', '127.0.0.1', '-r', String(smscPort), '-i', '3600', '-m', '1', message], { name: 'fakesmsc' });
    let smsc = await fakesmsc('100 200 text ping');
    procs.push(smsc);
    /** What earlier fakesmsc processes received (one per MO sent). */
    let earlier = '';
    const online = () => waitFor(async () => {
      const status = await (await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`)).text();
      return /fake\[fake\].*online/.test(status);
    }, { timeoutMs: readyTimeoutMs, what: 'Kannel: fake SMSC online again' });
    let moQueue = Promise.resolve();
    const sendMo = (from: string, text: string) => (moQueue = moQueue.then(async () => {
      const old = smsc;
      await old.stop(3000);
      earlier += old.output();
      smsc = await fakesmsc(`${from} 200 text ${text}`);
      procs.splice(procs.indexOf(old), 1, smsc);
      await online();
    }));
    procs.push(await startProcess('smsbox', [conf], { name: 'smsbox' }));
    await waitFor(async () => {
      const status = await (await fetch(`http://127.0.0.1:${adminPort}/status.txt?password=${adminPassword}`)).text();
      return /fake\[fake\].*online/.test(status) && /Box connections:[\s\S]*smsbox:/.test(status);
    }, { timeoutMs: readyTimeoutMs, what: 'Kannel: fake SMSC online and smsbox connected' });
    const sendsmsUrl = `http://127.0.0.1:${sendsmsPort}/cgi-bin/sendsms`;
    await waitFor(() => fetch(sendsmsUrl).then(() => true, () => false), { timeoutMs: readyTimeoutMs, what: `smsbox at ${sendsmsUrl}` });
    return { sendsmsUrl, user, password, received: () => parseReceived(earlier + smsc.output()), sendMo, logs, stop };
  } catch (err) {
    const msg = `${(err as Error).message}\n--- kannel output ---\n${logs()}`;
    await stop();
    throw new Error(msg);
  }
}
