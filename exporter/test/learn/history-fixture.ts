// Classified history for the learn tests: dialogs of every status of the default map, with
// the fields a gateway writes for each (the simulator's profiles, simplified), classified by
// the real rules. The accuracy floor on simulator-written logs is in simulator/test.
import { defaultStatusMap } from '../../src/config/status-map-file.js';
import { Classifier } from '../../src/core/classifier.js';
import type { Dialog } from '../../src/core/types.js';
import { seededRandom } from '@ussdwatch/common/random.js';
import { HistorySample } from '../../src/learn/history.js';
import { trainModel } from '../../src/learn/train.js';
import type { Model } from '../../src/learn/model-file.js';
import { dialog, SPEC_CATALOGUE } from '../core/fixtures.js';

interface Profile {
  status: string;
  weight: number;
  mapError?: number;
  answered: boolean;
  dialogMs: [number, number];
}

const PROFILES: Profile[] = [
  { status: 'SUCCESS', weight: 50, answered: true, dialogMs: [3_000, 20_000] },
  { status: 'INVALID_INPUT', weight: 8, answered: true, dialogMs: [3_000, 20_000] },
  { status: 'FAILED_DIALOG_USER_ABORT', weight: 6, answered: true, dialogMs: [3_000, 20_000] },
  { status: 'FAILED_DIALOG_TIMEOUT', weight: 4, answered: true, dialogMs: [60_000, 62_000] },
  { status: 'FAILED_ABSENT_SUBSCRIBER', weight: 4, mapError: 27, answered: false, dialogMs: [150, 900] },
  { status: 'FAILED_USSD_BUSY', weight: 3, answered: false, dialogMs: [150, 900] },
  { status: 'FAILED_MAP_ERROR_COMPONENT', weight: 3, mapError: 1, answered: false, dialogMs: [150, 900] },
  { status: 'FAILED_MAP_ERROR_COMPONENT', weight: 3, mapError: 34, answered: false, dialogMs: [150, 900] },
  { status: 'FAILED_APP_TIMEOUT', weight: 3, answered: false, dialogMs: [25_000, 25_400] },
  { status: 'FAILED_INVOKE_TIMEOUT', weight: 3, answered: false, dialogMs: [30_000, 30_500] },
  { status: 'FAILED_SYSTEM_FAILURE', weight: 3, answered: false, dialogMs: [150, 900] },
  { status: 'FAILED_TRANSPORT_ERROR', weight: 3, answered: false, dialogMs: [2_000, 5_000] },
  { status: 'SERVER_OVERLOADED', weight: 3, answered: false, dialogMs: [20, 120] },
  { status: 'NO_ROUTING_RULE', weight: 4, answered: false, dialogMs: [150, 900] },
];
const CODES = ['*710#', '*720#', '*720*1#', '*719#', '*999#'];
const MENUS = ['', '1', '1*2', '2*1*3'];

/** `n` dialogs; `status` rewrites every dialog of one status (a vendor's new name for it). */
export function history(n: number, seed = 1, rename: Record<string, string> = {}): Dialog[] {
  const random = seededRandom(seed);
  const total = PROFILES.reduce((s, p) => s + p.weight, 0);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const between = ([lo, hi]: [number, number]) => lo + Math.floor(random() * (hi - lo));
  return Array.from({ length: n }, (_, i) => {
    let x = random() * total;
    const p = PROFILES.find((q) => (x -= q.weight) < 0) ?? PROFILES[0];
    const ussd = p.status === 'NO_ROUTING_RULE' ? pick(CODES) : pick(CODES.slice(0, 3));
    const appMs = p.answered ? (random() < 0.05 ? 2_000 + between([1, 3_000]) : between([50, 1_500])) : null;
    return dialog({
      ts: Date.UTC(2026, 10, 21, 0, 0, 0) + i * 1_000,
      node: pick(['gw01', 'gw02']),
      ussd,
      menu: p.answered ? pick(MENUS) : '',
      status: rename[p.status] ?? p.status,
      mapError: p.mapError ?? null,
      steps: p.answered ? 1 + Math.floor(random() * 3) : 0,
      appMs,
      dialogMs: between(p.dialogMs),
    });
  });
}

export const classifier = new Classifier(SPEC_CATALOGUE, defaultStatusMap());

export function sampleOf(dialogs: Dialog[], seed = 1): HistorySample {
  const s = new HistorySample(SPEC_CATALOGUE, { perOutcome: 2_000, heldOutShare: 0.2, heldOutMax: 10_000, seed, utcOffsetMinutes: 60 });
  for (const d of dialogs) s.add(d, classifier.classify(d));
  return s;
}

let cached: Model | undefined;

/** One model shared by the tests of a file: 6,000 dialogs, 10 trees. */
export function smallModel(): Model {
  cached ??= trainModel(sampleOf(history(6_000)), { trees: 10, maxDepth: 12, minSplit: 4, seed: 1 });
  return cached;
}
