// Email through an SMTP server with nodemailer, one message per recipient so each
// delivery is journaled and deduplicated on its own.
import nodemailer from 'nodemailer';
import type { NotifierConfig } from './config.js';
import type { RenderedEmail } from './mail-body.js';
import { journalText } from './journal-text.js';
import type { Outcome } from './retry.js';

/** A file sent with a mail (a report's PDF or workbook), read from disk as the mail goes. */
export interface MailAttachment {
  filename: string;
  path: string;
}

export interface EmailSender {
  send(to: string, mail: RenderedEmail & { attachments?: MailAttachment[] }): Promise<Outcome>;
  close(): void;
}

export function smtpSender(cfg: NotifierConfig['email']): EmailSender {
  const transport = nodemailer.createTransport({
    host: cfg.host,
    port: cfg.port,
    secure: cfg.secure,
    // STARTTLS or no mail at all: without it the message, and the password of AUTH, would cross in clear.
    requireTLS: cfg.requireTls,
    tls: cfg.tlsCa ? { ca: cfg.tlsCa } : undefined,
    auth: cfg.user ? { user: cfg.user, pass: cfg.password ?? '' } : undefined,
    connectionTimeout: cfg.timeoutMs,
    greetingTimeout: cfg.timeoutMs,
    socketTimeout: cfg.timeoutMs,
  });
  return {
    async send(to, mail) {
      try {
        const info = await transport.sendMail({ from: cfg.from, to, subject: mail.subject, text: mail.text, html: mail.html, attachments: mail.attachments });
        return { ok: true, transient: false, answer: journalText(info.response) };
      } catch (err) {
        const code = (err as { responseCode?: number }).responseCode;
        // SMTP 5xx is a permanent refusal; 4xx and connection problems pass.
        return { ok: false, transient: code === undefined || code < 500, status: code, answer: journalText((err as Error).message) };
      }
    },
    close: () => transport.close(),
  };
}
