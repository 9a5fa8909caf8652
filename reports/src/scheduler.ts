// Sends each scheduled report once per period: the latest due period not yet sent is built
// into the archive and mailed to each recipient who has not had it; the sent-state is
// written after every delivery, so a restart (or a crash) neither skips nor repeats one.
// A report that cannot be built (Prometheus down, no data) or mailed is retried every
// retry_minutes, logged, and shown by the API, until it goes or the next period replaces it.
import type { Logger } from '@ussdwatch/common/log.js';
import { maskEmail } from '@ussdwatch/common/mask.js';
import type { EmailSender, MailAttachment } from '@ussdwatch/notifier/email.js';
import { StateFile, type SentState } from './archive.js';
import { dueMs, latestDue, nextDueMs } from './due.js';
import type { Period } from './period.js';
import type { ScheduledReport, ScheduleConfig } from './schedule-config.js';

export interface Built {
  pdf: string;
  xlsx: string;
  title: string;
  warnings: string[];
}

export interface SchedulerDeps {
  cfg: Pick<ScheduleConfig, 'reports' | 'retryMinutes' | 'publicUrl'>;
  build(report: ScheduledReport, period: Period): Promise<Built>;
  email: EmailSender;
  state: StateFile;
  logger: Logger;
  now?: () => number;
}

export interface ScheduleStatus {
  name: string;
  period: string;
  /** prometheus or longterm: where its numbers come from. */
  source: string;
  due: string;
  sent: boolean;
  recipients: number;
  delivered: number;
  next_due: string;
  last_error: string | null;
  retry_at: string | null;
}

const basename = (f: string) => f.slice(f.lastIndexOf('/') + 1);

/** The mail of a scheduled report: the PDF and the workbook attached, and their links on the service for later. */
export function reportMail(built: Built, publicUrl: string): { subject: string; text: string; html: string; attachments: MailAttachment[] } {
  const links = [built.pdf, built.xlsx].map((f) => `${publicUrl}/api/reports/${encodeURIComponent(basename(f))}`);
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return {
    subject: built.title,
    text: [built.title, '', ...built.warnings.map((w) => `! ${w}`), ...(built.warnings.length ? [''] : []), 'PDF:   ' + links[0], 'Excel: ' + links[1], ''].join('\n'),
    html: `<p><b>${esc(built.title)}</b></p>${built.warnings.map((w) => `<p style="color:#a00"><b>${esc(w)}</b></p>`).join('')}<p><a href="${esc(links[0])}">PDF</a> · <a href="${esc(links[1])}">Excel</a></p>`,
    attachments: [built.pdf, built.xlsx].map((path) => ({ filename: basename(path), path })),
  };
}

export class Scheduler {
  private readonly now: () => number;
  private readonly failures = new Map<string, { error: string; retryAtMs: number; period: string }>();
  private running: Promise<void> = Promise.resolve();
  private state: SentState = {};

  constructor(private deps: SchedulerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** A reloaded schedule and mail settings, from the next pass on (a pass under way ends as it began). */
  reconfigure(cfg: SchedulerDeps['cfg'], email: EmailSender): Promise<void> {
    this.running = this.running.then(() => {
      this.deps = { ...this.deps, cfg, email };
      for (const name of this.failures.keys()) if (!cfg.reports.some((r) => r.name === name)) this.failures.delete(name);
    });
    return this.running;
  }

  async start(): Promise<void> {
    this.state = await this.deps.state.read();
  }

  /** One pass over the schedule; passes never overlap. */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.pass());
    return this.running;
  }

  private async pass(): Promise<void> {
    for (const report of this.deps.cfg.reports) {
      const now = this.now();
      const period = latestDue(report.period, report.atMinutes, now, report.weekStart);
      const st = this.state[report.name];
      if (st?.period === period.id && st.done) continue;
      const failure = this.failures.get(report.name);
      if (failure && failure.period === period.id && now < failure.retryAtMs) continue;
      try {
        const built = await this.deps.build(report, period);
        const sentTo = st?.period === period.id ? st.sentTo : [];
        this.state[report.name] = { period: period.id, sentTo, done: false };
        const mail = reportMail(built, this.deps.cfg.publicUrl);
        for (const to of report.recipients.filter((r) => !sentTo.includes(r))) {
          const outcome = await this.deps.email.send(to, mail);
          if (!outcome.ok) throw new Error(`mail to ${maskEmail(to)} refused: ${outcome.answer}`);
          sentTo.push(to);
          await this.deps.state.write(this.state);
        }
        this.state[report.name].done = true;
        await this.deps.state.write(this.state);
        this.failures.delete(report.name);
        this.deps.logger.log('info', 'report sent', { report: report.name, period: period.id, recipients: report.recipients.length, warnings: built.warnings.length });
      } catch (err) {
        const retryAtMs = now + this.deps.cfg.retryMinutes * 60_000;
        this.failures.set(report.name, { error: (err as Error).message, retryAtMs, period: period.id });
        this.deps.logger.log('error', 'report not sent; will retry', { report: report.name, period: period.id, error: (err as Error).message, retry_at: new Date(retryAtMs).toISOString() });
      }
    }
  }

  /** Settles when the pass under way (if any) is over. */
  idle(): Promise<void> {
    return this.running;
  }

  status(): ScheduleStatus[] {
    const now = this.now();
    return this.deps.cfg.reports.map((r) => {
      const period = latestDue(r.period, r.atMinutes, now, r.weekStart);
      const st = this.state[r.name];
      const failure = this.failures.get(r.name);
      return {
        name: r.name,
        period: period.id,
        source: r.source,
        due: new Date(dueMs(period, r.atMinutes)).toISOString(),
        sent: st?.period === period.id && st.done,
        recipients: r.recipients.length,
        delivered: st?.period === period.id ? st.sentTo.length : 0,
        next_due: new Date(nextDueMs(r.period, r.atMinutes, now, r.weekStart)).toISOString(),
        last_error: failure?.error ?? null,
        retry_at: failure ? new Date(failure.retryAtMs).toISOString() : null,
      };
    });
  }
}
