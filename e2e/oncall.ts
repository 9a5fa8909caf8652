// The on-call loop in the e2e: the shipped on-call file with its delays cut to about a
// minute, and what a scenario checks once its first page arrived: acknowledgement by an
// SMS reply through Kannel's MO path (a stranger refused first, then the silence in
// Alertmanager, no escalation, the end still told), or escalation when nobody replies.
import { waitFor } from '@ussdwatch/testkit';
import type { Stack } from '@ussdwatch/testkit/stack';
import type { Notice } from './messages.js';

/** Every `after: Nm` of the shipped file as N * 6 seconds: 10 min -> 60 s, 20 min -> 120 s. */
export function shortDelays(oncallYaml: string): string {
  return oncallYaml.replace(/after: (\d+)m\b/g, (_, n: string) => `after: ${Number(n) * 6}s`);
}

export const ESCALATION_S = 60;
const STRANGER = '213770555555';

export interface OnCallCheck {
  /** Reply `<id>a` from the first number paged; else nobody replies and step 1 is expected. */
  ack: boolean;
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
