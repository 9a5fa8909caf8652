import { describe, expect, it } from 'vitest';
import { smsNotice } from '../../e2e/messages.js';
import { acknowledgedSms, firingSms, parseReply, replyAnswer, resolvedSms, type MessageContext } from '../src/incident-messages.js';
import { IncidentBook, type Incident } from '../src/incidents.js';
import { GSM7_LIMIT } from '../src/sms-fit.js';
import { parsedPayload } from './helpers.js';

const services = new Map([['*720#', 'Forfaits'], ['*750#', 'Transfert de crédit Sellekni']]);
const fr: MessageContext = { lang: 'fr', timezone: 'Africa/Algiers', services };
const en: MessageContext = { ...fr, lang: 'en' };

/** Two alerts of one fault on *720# (app timeouts, internal errors), started 13:02 UTC = 14:02 in Algiers. */
function incident(edit: (i: Incident) => void = () => {}): Incident {
  const book = new IncidentBook();
  const p = parsedPayload(
    { tier: '3', short_code: '*720#', alertname: 'ShortCodeAppTimeouts', startsAt: '2026-11-21T13:02:00Z', fingerprint: 'a' },
    [{ tier: '3', short_code: '*720#', alertname: 'ShortCodeInternalErrors', startsAt: '2026-11-21T13:02:30Z', fingerprint: 'b' }],
  );
  const [inc] = book.apply(p.alerts, 3, Date.parse('2026-11-21T13:03:00Z')).touched;
  inc.id = 12;
  edit(inc);
  return inc;
}

describe('incident SMS', () => {
  it('says tier, code and service, what is wrong, the local start time and the reply codes, in French by default, in one GSM-7 part', () => {
    const sms = firingSms(incident(), fr);
    expect(sms).toMatchObject({ encoding: 'gsm7', truncated: false });
    expect(sms.text).toBe("ALERTE T3 *720# Forfaits: l'appli ne répond pas + erreurs internes. Depuis 14:02. #12 répondez 12a=je prends 12c=clore");
    expect(sms.units).toBeLessThanOrEqual(GSM7_LIMIT);
    expect(firingSms(incident(), en).text).toBe('ALERT T3 *720# Forfaits: application timeouts + internal errors. Since 14:02. #12 reply 12a=ack 12c=close');
  });

  it('cuts the words, never the start time nor the reply codes, to stay in one part', () => {
    const inc = incident((i) => {
      i.short_code = '*750#';
      for (const a of i.alerts) a.alertname = `VeryLongRuleNameThatNobodyTranslated${a.fingerprint.repeat(40)}`;
    });
    const sms = firingSms(inc, fr);
    expect(sms).toMatchObject({ encoding: 'gsm7', truncated: true, units: GSM7_LIMIT });
    expect(sms.text).toMatch(/^ALERTE T3 \*750# Transfert de crédit Sellekni: VeryLong.*\.\.\. Depuis 14:02\. #12 répondez 12a=je prends 12c=clore$/);
  });

  it('RESOLVED says how long it lasted and that the code is back to normal, not the last firing value', () => {
    const done = incident((i) => {
      i.state = 'resolved';
      i.resolved_at = '2026-11-21T13:16:00Z';
    });
    expect(resolvedSms(done, fr).text).toBe('RESOLU T3 *720# Forfaits: retour à la normale. #12 a duré 14 min (depuis 14:02)');
    expect(resolvedSms(done, en).text).toBe('RESOLVED T3 *720# Forfaits: back to normal. #12 lasted 14 min (from 14:02)');
    expect(resolvedSms(done, fr).encoding).toBe('gsm7');
  });

  it('names the node or the source when the fault has no short code', () => {
    const book = new IncidentBook();
    const p = parsedPayload({ alertname: 'NodeOverloaded', short_code: '' }, [], (r) => {
      r.alerts[0].labels.node = 'gw02';
    });
    const [inc] = book.apply(p.alerts, 2, Date.now()).touched;
    expect(firingSms(inc, fr).text).toMatch(/^ALERTE T2 noeud gw02: noeud surchargé\./);
    expect(firingSms(inc, en).text).toMatch(/^ALERT T2 node gw02: node overloaded\./);
  });

  it('tells the chain who acknowledged, and answers replies in the replier\'s language', () => {
    const acked = incident((i) => {
      i.state = 'acknowledged';
      i.acknowledged_at = '2026-11-21T13:10:00Z';
      i.acknowledged_by = '2137*****101';
    });
    expect(acknowledgedSms(acked, 'amina', fr).text).toBe('#12 *720# Forfaits pris en charge par amina à 14:10');
    expect(replyAnswer('ack', acked, en)).toBe('OK, #12 *720# Forfaits is yours; its alerts are silenced. Reply 12c to close.');
    expect(replyAnswer('already', acked, fr)).toBe('#12 *720# Forfaits est déjà pris par 2137*****101.');
  });

  it('reads reply codes the way goalert writes them', () => {
    expect(parseReply('12a')).toEqual({ id: 12, action: 'ack' });
    expect(parseReply(' #12 C ')).toEqual({ id: 12, action: 'close' });
    expect(parseReply('12')).toBeNull();
    expect(parseReply('ok')).toBeNull();
    expect(parseReply('12ab')).toBeNull();
  });

  it('is read back by the e2e as it was meant', () => {
    const at = { to: '213770000902', from: 'Djezzy-NOC', type: 'text' as const, seenAt: 1 };
    expect(smsNotice({ ...at, text: firingSms(incident(), fr).text })).toMatchObject({ status: 'firing', tier: '3', shortCode: '*720#', incident: 12 });
    const done = incident((i) => {
      i.state = 'resolved';
      i.resolved_at = '2026-11-21T13:16:00Z';
    });
    expect(smsNotice({ ...at, text: resolvedSms(done, en).text })).toMatchObject({ status: 'resolved', tier: '3', shortCode: '*720#', incident: 12 });
  });
});
