// Every fault scenario the simulator offers, the alert the shipped rules must raise for it,
// and when it runs. Targets are disjoint so that each scenario's assertions stay clean.
import type { FaultSpec } from '@ussdwatch/simulator/fault-client.js';
import type { OnCallCheck } from './oncall.js';

export interface ExpectedAlert {
  alertname: string;
  tier: '1' | '2' | '3';
  /** The team label the alert carries (the catalogue's owner for a short code). */
  team: string;
  /** '' for alerts about a node, a log source or the DPSS feed. */
  shortCode: string;
  class?: string;
  cause?: string;
  /** The label that says what the alert is about when it has no short code (node, source). */
  subject?: { label: 'node' | 'source'; value: string };
}

export interface Scenario {
  name: string;
  fault: FaultSpec;
  /**
   * 0: at once; 1: after the warm-up; 2: once the phase-1 faults on a code's internal
   * errors are detected (node-wide errors would blur those codes' ratios: a node's
   * dialogs are every code's).
   */
  phase: 0 | 1 | 2;
  expect: ExpectedAlert;
  /**
   * Internal alerts the fault must not raise, as ALERTS label matchers. A typo storm's
   * dialogs are user errors of `unknown`: any internal alert there is the storm's doing.
   * On the code the typos point at, only a routing alert would be (typos misattributed
   * to it as NO_ROUTING_RULE); its other internal alerts belong to whatever else runs at
   * the same time, e.g. node_overload, which refuses dialogs of every code on its node.
   */
  noInternalAlerts?: Array<{ short_code: string; alertname?: string }>;
  /** How long the alert may take (default 10 minutes). */
  detectWithinS?: number;
  /** After the first page: acknowledge by SMS reply, or check the escalation when nobody does. */
  oncall?: OnCallCheck;
}

/** Kamel, the lead: step 1 of the technical team's tier-3 chain in the shipped on-call file, and of the care team's tier 2. */
const KAMEL = '213770000904';

export const SCENARIOS: Scenario[] = [
  {
    name: 'malformed_burst',
    fault: { scenario: 'malformed_burst', target: 'gw04' },
    phase: 0,
    expect: { alertname: 'LogSourceMalformedLines', tier: '1', team: 'ussd-platform', shortCode: '', subject: { label: 'source', value: 'gw04' } },
  },
  {
    // DPSS leaves one code out of its files from the start: DpssCodeStale as soon as the
    // first file is read, and resolved by the next one, which has the code again. (The
    // feed-wide DpssFeedStale would take 12 minutes to fire, and stop the files every
    // other scenario's lead is measured on.)
    name: 'dpss_stop',
    fault: { scenario: 'dpss_stop', target: '*750#' },
    phase: 0,
    expect: { alertname: 'DpssCodeStale', tier: '1', team: 'dpss-connector', shortCode: '*750#' },
    // The first file comes up to a period and its lag after the start.
    detectWithinS: 300 + 180 + 120,
  },
  {
    // WrongCodeSurge compares with the hour before; after the warm-up that is the
    // warm-up's five minutes, as in a Prometheus that has run that long. *704# is one
    // transposition from *740#.
    name: 'typo_storm',
    fault: { scenario: 'typo_storm', target: '*704#' },
    phase: 1,
    expect: { alertname: 'WrongCodeSurge', tier: '1', team: 'vas', shortCode: '*740#', class: 'user', cause: 'wrong_code' },
    noInternalAlerts: [{ short_code: 'unknown' }, { short_code: '*740#', alertname: 'ShortCodeRoutingBroken' }],
  },
  {
    name: 'app_down',
    fault: { scenario: 'app_down', target: '*720#' },
    phase: 1,
    expect: { alertname: 'ShortCodeAppTimeouts', tier: '3', team: 'offers', shortCode: '*720#', class: 'internal', cause: 'app_timeout' },
  },
  {
    // Nobody replies: the lead is paged after the chain's delay.
    name: 'routing_broken',
    fault: { scenario: 'routing_broken', target: '*730#' },
    phase: 1,
    expect: { alertname: 'ShortCodeRoutingBroken', tier: '3', team: 'data', shortCode: '*730#', class: 'internal', cause: 'routing' },
    oncall: { ack: false, escalateTo: KAMEL },
  },
  {
    // Two rules fire for one fault (timeouts, internal errors): one SMS per person. A reply
    // from a stranger is refused; the first person paged acknowledges by SMS reply: silence,
    // no escalation, and the end still told although Alertmanager silences it.
    name: 'ack_by_reply',
    fault: { scenario: 'app_down', target: '*710#' },
    phase: 1,
    expect: { alertname: 'ShortCodeAppTimeouts', tier: '3', team: 'billing', shortCode: '*710#', class: 'internal', cause: 'app_timeout' },
    oncall: { ack: true, escalateTo: KAMEL },
  },
  {
    // The care team's on-call cannot be reached (e2e/oncall.ts UNREACHABLE): Kannel's delivery
    // report says so, the page goes to them by mail and to the chain's next step at once.
    // A connector fault on 9 % of *100#'s dialogs: 9x its error budget, tier 2 (6x) and not
    // tier 3 (14.4x), so the care team's chain is the one paged. At once, during the
    // warm-up: its figure is the fallback, not the detection, and so it is over before
    // node_overload's refusals on gw02 (5 % of every code's dialogs) could lift it to tier 3.
    name: 'undelivered_sms',
    fault: { scenario: 'connector', target: '*100#', share: 0.09 },
    phase: 0,
    expect: { alertname: 'ShortCodeInternalErrors', tier: '2', team: 'care', shortCode: '*100#', class: 'internal' },
    oncall: { ack: false, undelivered: true, escalateTo: KAMEL },
  },
  {
    name: 'connector',
    fault: { scenario: 'connector', target: '*720*1#' },
    phase: 1,
    expect: { alertname: 'ShortCodeInternalErrors', tier: '3', team: 'offers', shortCode: '*720*1#', class: 'internal' },
  },
  {
    name: 'slow_app',
    fault: { scenario: 'slow_app', target: '*720*2#' },
    phase: 1,
    expect: { alertname: 'ShortCodeSlow', tier: '2', team: 'offers', shortCode: '*720*2#', class: 'internal', cause: 'slow_response' },
  },
  {
    name: 'node_silent',
    fault: { scenario: 'node_silent', target: 'gw03' },
    phase: 1,
    expect: { alertname: 'LogSourceSilent', tier: '2', team: 'ussd-platform', shortCode: '', subject: { label: 'source', value: 'gw03' } },
  },
  {
    name: 'node_overload',
    fault: { scenario: 'node_overload', target: 'gw02', share: 0.2 },
    phase: 2,
    expect: { alertname: 'NodeOverloaded', tier: '2', team: 'ussd-platform', shortCode: '', class: 'internal', cause: 'overload', subject: { label: 'node', value: 'gw02' } },
  },
];

/** Phase-1 scenarios whose code ratios node-wide errors would blur: phase 2 waits for their detection. */
export const blurredByNodeErrors = (s: Scenario): boolean => s.phase === 1 && s.expect.shortCode !== '' && s.expect.class === 'internal';
