// The on-call loop in the e2e: the shipped on-call file with its delays cut to about a
// minute, and what a scenario checks once its first page arrived: acknowledgement by an
// SMS reply through Kannel's MO path (a stranger refused first, then the silence in
// Alertmanager, no escalation, the end still told), escalation when nobody replies, or the
// fallback when the first person's SMS cannot be delivered (their mail, the next step at once).
import { maskMsisdn } from '@ussdwatch/common/mask.js';
import { waitFor } from '@ussdwatch/testkit';
import type { Stack } from '@ussdwatch/testkit/stack';
import type { Notice } from './messages.js';

/**
 * The person whose phone cannot be reached: the care team's on-call, whose number the e2e
 * rewrites to one Kannel refuses (the stack's undeliverablePrefix), as an unreachable
 * handset. No other scenario pages the care team.
 */
export const UNREACHABLE = { shipped: '213770000401', number: '213770990401', email: 'nadia.o@djezzy.dz', prefix: '21377099' };

/** Every `after: Nm` of the shipped file as N * 6 seconds (10 min -> 60 s, 20 min -> 120 s), and the unreachable number. */
export function shortDelays(oncallYaml: string): string {
  return oncallYaml
    .replace(/after: (\d+)m\b/g, (_, n: string) => `after: ${Number(n) * 6}s`)
    .replace(`"${UNREACHABLE.shipped}"`, `"${UNREACHABLE.number}"`);
}

export const ESCALATION_S = 60;
const STRANGER = '213770555555';

export interface OnCallCheck {
  /** Reply `<id>a` from the first number paged; else nobody replies and step 1 is expected. */
  ack: boolean;
  /** The first person paged is UNREACHABLE: their mail and step 1 at once, not after the delay. */
  undelivered?: boolean;
  /** Step 1 of the chain that pages this scenario (from the e2e's on-call file). */
  escalateTo: string;
}

export interface OnCallFigures {
  ackToSilenceS?: number;
  escalationLateS?: number;
  failures: string[];
}

async function incident(stack: Stack, id: number): Promise<{ state: string; acknowledged_by: string | null; silence: { id: string } | null }> {
  const { incidents } = (await (await fetch(`${stack.urls.notifier}/api/incidents`)).json()) as { incidents: Array<{ id: number; state: string; acknowledged_by: string | null; silence: { id: string } | null }> };
  return incidents.find((i) => i.id === id)!;
}

async function refusedReplies(stack: Stack): Promise<number> {
  const text = await (await fetch(`${stack.urls.notifier}/metrics`)).text();
  return Number(/notifier_sms_replies_total\{outcome="refused"\} (\d+)/.exec(text)?.[1] ?? 0);
}

async function activeSilence(stack: Stack, silenceId: string): Promise<boolean> {
  const res = await fetch(`${stack.urls.alertmanager}/api/v2/silence/${silenceId}`);
  return res.ok && ((await res.json()) as { status: { state: string } }).status.state === 'active';
}

/** After the scenario's first page (`page`, an SMS naming incident `page.incident`). */
export async function checkOnCall(stack: Stack, c: OnCallCheck, page: Notice, log: (m: string) => void): Promise<OnCallFigures> {
  const out: OnCallFigures = { failures: [] };
  const id = page.incident!;
  const about = (to: string) => stack.sms().filter((m) => m.to === to && m.text.includes(`#${id} `) && m.seenAt >= page.seenAt);
  if (c.undelivered) return checkFallback(stack, c, page, log);
  if (!c.ack) {
    const escalated = await waitFor(() => about(c.escalateTo).find((m) => /^ALERTE? /.test(m.text)), { timeoutMs: (ESCALATION_S + 60) * 1000, intervalMs: 250, what: `the escalation of #${id} to ${c.escalateTo}` }).catch((e: Error) => e);
    if (escalated instanceof Error) out.failures.push(escalated.message);
    else {
      out.escalationLateS = (escalated.seenAt - page.seenAt) / 1000 - ESCALATION_S;
      log(`#${id}: nobody replied; step 1 (${c.escalateTo}) paged ${out.escalationLateS.toFixed(1)} s after its delay`);
    }
    return out;
  }
  const from = page.to[0];
  const before = await refusedReplies(stack);
  await stack.sendMo(STRANGER, `${id}a`);
  const refused = await waitFor(async () => (await refusedReplies(stack)) > before, { timeoutMs: 30_000, what: `the reply from ${STRANGER} refused` }).catch((e: Error) => e);
  if (refused instanceof Error) out.failures.push(refused.message);
  if ((await incident(stack, id)).state !== 'open') out.failures.push(`#${id} changed on a reply from a number not in the on-call file`);

  const sentAt = Date.now();
  await stack.sendMo(from, `${id}a`);
  const silenced = await waitFor(async () => {
    const inc = await incident(stack, id);
    return inc.silence !== null && (await activeSilence(stack, inc.silence.id)) ? inc : false;
  }, { timeoutMs: 60_000, intervalMs: 250, what: `#${id} acknowledged and silenced in Alertmanager` }).catch((e: Error) => e);
  if (silenced instanceof Error) {
    out.failures.push(silenced.message);
    return out;
  }
  out.ackToSilenceS = (Date.now() - sentAt) / 1000;
  log(`#${id}: acknowledged by ${silenced.acknowledged_by} by SMS reply; silence active ${out.ackToSilenceS.toFixed(1)} s after the reply`);
  const confirmed = await waitFor(() => stack.sms().some((m) => m.to === from && m.text.startsWith(`OK, #${id} `)), { timeoutMs: 30_000, what: 'the confirmation SMS' }).catch((e: Error) => e);
  if (confirmed instanceof Error) out.failures.push(confirmed.message);
  // The chain's delay passes with a margin: step 1 must not be paged for it.
  await new Promise((r) => setTimeout(r, Math.max(0, page.seenAt + (ESCALATION_S + 20) * 1000 - Date.now())));
  const late = about(c.escalateTo).filter((m) => /^ALERTE? /.test(m.text));
  if (late.length) out.failures.push(`#${id} was acknowledged, yet ${c.escalateTo} was paged: ${late[0].text}`);
  return out;
}

interface JournalDelivery { kind: string; incidentId?: number; recipient?: string; result?: string }

/**
 * The first person's SMS came back not delivered (Kannel's delivery report): the journal
 * says so, the person gets the page by mail, and step 1 was paged at once (the page seen
 * first, `page`, is step 1's: the unreachable number never reaches fakesmsc).
 */
async function checkFallback(stack: Stack, c: OnCallCheck, page: Notice, log: (m: string) => void): Promise<OnCallFigures> {
  const out: OnCallFigures = { failures: [] };
  const id = page.incident!;
  const masked = maskMsisdn(UNREACHABLE.number);
  const check = async (what: string, ok: () => unknown) => {
    const r = await waitFor(ok, { timeoutMs: 60_000, intervalMs: 500, what }).catch((e: Error) => e);
    if (r instanceof Error) out.failures.push(r.message);
    return r;
  };
  const report = await check(`the delivery report of #${id} to ${masked} in the journal`, async () => {
    const { entries } = (await (await fetch(`${stack.urls.notifier}/api/journal?limit=5000`)).json()) as { entries: JournalDelivery[] };
    return entries.find((e) => e.kind === 'delivery' && e.incidentId === id && e.recipient === masked && (e.result === 'undelivered' || e.result === 'failed'));
  });
  if (!(report instanceof Error)) log(`#${id}: the SMS to ${masked} came back ${(report as JournalDelivery).result} (Kannel's delivery report)`);
  await check(`#${id} showing the SMS to ${masked} not delivered`, async () => {
    const { incidents } = (await (await fetch(`${stack.urls.notifier}/api/incidents`)).json()) as { incidents: Array<{ id: number; notified: Array<{ recipient: string; channel: string; result: string }> }> };
    return incidents.find((i) => i.id === id)?.notified.some((n) => n.channel === 'sms' && n.recipient === masked && (n.result === 'undelivered' || n.result === 'failed'));
  });
  const ofIncident = new RegExp(`incident #${id}(?!\\d)`);
  const mail = await check(`the fallback mail of #${id} to ${UNREACHABLE.email}`, () => stack.mails().find((m) => m.to.includes(UNREACHABLE.email) && ofIncident.test(m.subject)));
  if (!(mail instanceof Error)) log(`#${id}: fallback mail to ${UNREACHABLE.email}: ${(mail as { subject: string }).subject}`);
  // Step 1 at once: long before the chain's delay (ESCALATION_S and more for this team).
  if (page.to[0] !== c.escalateTo) out.failures.push(`#${id}: the first SMS went to ${page.to[0]}, not to step 1 (${c.escalateTo})`);
  const pageMail = stack.mails().filter((m) => ofIncident.test(m.subject)).sort((a, b) => a.seenAt - b.seenAt)[0];
  const afterS = pageMail ? (page.seenAt - pageMail.seenAt) / 1000 : NaN;
  if (!(afterS < ESCALATION_S)) out.failures.push(`#${id}: step 1 paged ${afterS.toFixed(1)} s after the first page's mail, not at once`);
  else log(`#${id}: step 1 (${c.escalateTo}) paged ${afterS.toFixed(1)} s after the first page, without waiting for the chain's delay`);
  return out;
}
