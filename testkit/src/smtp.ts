import { SMTPServer } from 'smtp-server';
import { freePort } from './net.js';

/** One message as the SMTP server accepted it. */
export interface ReceivedMail {
  /** Envelope sender and recipients (what the client said in MAIL FROM / RCPT TO). */
  from: string;
  to: string[];
  /** Subject header with RFC 2047 encoded words decoded. */
  subject: string;
  /** The whole message as transmitted (headers and MIME body). */
  raw: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  /** Accepted mails, oldest first. */
  received(): ReceivedMail[];
  stop(): Promise<void>;
}

export interface SmtpOptions {
  /** When set, clients must authenticate with these (PLAIN/LOGIN). */
  auth?: { user: string; pass: string };
}

const ENCODED_WORD = /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g;

function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(ENCODED_WORD, (_all, _charset: string, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8'));
}

function subjectOf(raw: string): string {
  const headers = raw.split(/\r?\n\r?\n/, 1)[0].replace(/\r?\n[ \t]+/g, ' ');
  const line = headers.split(/\r?\n/).find((l) => /^subject:/i.test(l));
  return line ? decodeWords(line.slice('subject:'.length).trim()) : '';
}

/** A real SMTP server (npm smtp-server) on a free loopback port that keeps every mail it accepts. */
export async function startSmtp(opts: SmtpOptions = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    // Plain SMTP on loopback: no certificate to manage in tests.
    disabledCommands: opts.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !opts.auth,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: subjectOf(raw),
          raw,
        });
        cb();
      });
    },
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port,
    received: () => [...mails],
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
