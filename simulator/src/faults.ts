// Fault scenarios: what each one breaks, where, and how much. A FaultSet holds the
// faults started from the command line or the control endpoint and compiles them into
// per-code and per-node lookups, recompiled only when a fault starts or ends, so the
// per-dialog path reads arrays instead of walking the fault list.
import type { Catalogue } from '@ussdwatch/exporter/core/catalogue.js';
import { typoOf, type Typo } from './dialed-strings.js';

type TargetKind = 'code' | 'code_or_all' | 'code_or_none' | 'node' | 'typo' | 'none';

interface Scenario {
  target: TargetKind;
  /** Share of the target's dialogs affected when none is given (typo_storm: extra traffic, as a share of the total rate). */
  defaultShare: number;
  /** Whether a share means anything for this scenario. */
  takesShare: boolean;
  /** The class/cause (or effect) the exporter must report: documented in docs/simulator.md and checked in tests. */
  produces: string;
}

export const SCENARIOS = {
  slow_app: { target: 'code', defaultShare: 0.5, takesShare: true, produces: 'internal/slow_response (app_ms above the code slow_ms); DPSS rt rises' },
  app_down: { target: 'code', defaultShare: 1, takesShare: true, produces: 'internal/app_timeout (FAILED_APP_TIMEOUT)' },
  connector: { target: 'code_or_all', defaultShare: 0.3, takesShare: true, produces: 'internal/connector (FAILED_TRANSPORT_ERROR, FAILED_PROVIDER_ABORT)' },
  node_overload: { target: 'node', defaultShare: 0.4, takesShare: true, produces: 'internal/overload (SERVER_OVERLOADED) on that node only' },
  routing_broken: { target: 'code', defaultShare: 1, takesShare: true, produces: 'internal/routing (NO_ROUTING_RULE for a catalogued code)' },
  typo_storm: { target: 'typo', defaultShare: 0.1, takesShare: true, produces: 'user/wrong_code with near_code = the code one edit away' },
  node_silent: { target: 'node', defaultShare: 1, takesShare: false, produces: 'the node writes nothing: its source goes silent' },
  malformed_burst: { target: 'node', defaultShare: 0.3, takesShare: true, produces: 'malformed lines (field_count, bad_json, binary) on that node' },
  dpss_stop: { target: 'code_or_none', defaultShare: 1, takesShare: false, produces: "no more DPSS files; with a code, that code's rows are left out of them" },
  dpss_corrupt: { target: 'none', defaultShare: 1, takesShare: false, produces: 'DPSS files written in place and cut inside the header: dpss_files_total{result="malformed"}' },
} as const satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
export const DEFAULT_TYPO = '*719#';

export class FaultError extends Error {}

export interface FaultRequest {
  scenario: string;
  target?: string;
  share?: number;
  /** Seconds after now (or after --start in --fast mode) the fault begins. */
  afterS?: number;
  /** How long it lasts; forever when absent. */
  durationS?: number;
}

export interface Fault {
  id: string;
  scenario: ScenarioName;
  /** A catalogue code, `all`, a node, a typo, or '' (the DPSS scenarios' whole feed). */
  target: string;
  share: number;
  startMs: number;
  endMs: number | null;
}

/** `scenario[:target][,share=0.3][,after=60][,for=120]`, the --fault syntax. */
export function parseFaultSpec(spec: string): FaultRequest {
  const [head, ...params] = spec.split(',');
  const colon = head.indexOf(':');
  const req: FaultRequest = colon < 0 ? { scenario: head } : { scenario: head.slice(0, colon), target: head.slice(colon + 1) };
  for (const p of params) {
    const [key, value] = p.split('=');
    const n = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(n)) throw new FaultError(`--fault ${spec}: '${p}' is not key=number (keys: share, after, for)`);
    if (key === 'share') req.share = n;
    else if (key === 'after') req.afterS = n;
    else if (key === 'for') req.durationS = n;
    else throw new FaultError(`--fault ${spec}: unknown parameter '${key}' (expected share, after or for)`);
  }
  return req;
}

interface CodeFaults {
  slow: number;
  down: number;
  connector: number;
  routing: number;
}

interface NodeFaults {
  overload: number;
  silent: boolean;
  malformed: number;
}

/** The faults in force over a span of time, laid out for the per-dialog path. */
export interface FaultState {
  /** Recompile at or after this time: a fault starts or ends then. */
  validUntil: number;
  codes: Array<CodeFaults | undefined>;
  nodes: NodeFaults[];
  storms: Typo[];
  stormShares: number[];
  /** Extra arrivals from typo storms, as a share of the baseline rate. */
  stormShare: number;
}

const inForce = (f: Fault, t: number) => f.startMs <= t && (f.endMs === null || f.endMs > t);

export class FaultSet {
  private faults: Fault[] = [];
  private nextId = 1;
  private compiled: FaultState | null = null;
  /** The time `compiled` was built for: it holds from then until its validUntil. */
  private compiledAt = 0;
  private readonly codeIndex: Map<string, number>;

  constructor(private readonly catalogue: Catalogue, private readonly nodes: readonly string[]) {
    this.codeIndex = new Map(catalogue.entries.map((e, i) => [e.code, i]));
  }

  /** Validates and starts (or schedules) a fault; throws FaultError naming what is wrong and the fix. */
  add(req: FaultRequest, nowMs: number): Fault {
    const scenario = req.scenario as ScenarioName;
    const def: Scenario | undefined = SCENARIOS[scenario];
    if (!def) throw new FaultError(`unknown scenario '${req.scenario}': expected one of ${SCENARIO_NAMES.join(', ')}`);
    const target = this.resolveTarget(scenario, def.target, req.target);
    if (req.share !== undefined && !def.takesShare) throw new FaultError(`${scenario} takes no share (it is all or nothing)`);
    const share = req.share ?? def.defaultShare;
    const maxShare = scenario === 'typo_storm' ? 10 : 1;
    if (!(share > 0 && share <= maxShare)) throw new FaultError(`${scenario}: share must be in (0, ${maxShare}], got ${share}`);
    if (req.afterS !== undefined && !(req.afterS >= 0)) throw new FaultError(`${scenario}: after must be >= 0 seconds, got ${req.afterS}`);
    if (req.durationS !== undefined && !(req.durationS > 0)) throw new FaultError(`${scenario}: duration must be > 0 seconds, got ${req.durationS}`);
    const startMs = nowMs + (req.afterS ?? 0) * 1000;
    const fault: Fault = {
      id: `f${this.nextId++}`,
      scenario,
      target,
      share,
      startMs,
      endMs: req.durationS === undefined ? null : startMs + req.durationS * 1000,
    };
    this.faults.push(fault);
    this.compiled = null;
    return fault;
  }

  /** Stops a fault now; false when no such fault is in force or scheduled. */
  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    this.compiled = null;
    return this.faults.length < before;
  }

  /** Faults in force or scheduled at this time (ended ones are dropped). */
  list(nowMs: number): Fault[] {
    return this.faults.filter((f) => f.endMs === null || f.endMs > nowMs);
  }

  /** Whether a fault of this scenario is in force at time t (the DPSS scenarios act on files, not dialogs). */
  activeAt(scenario: ScenarioName, t: number): boolean {
    return this.faults.some((f) => f.scenario === scenario && inForce(f, t));
  }

  /**
   * What dpss_stop leaves out of the DPSS file due at time t: the whole file, or the rows
   * of these catalogue codes (indexes; none when no dpss_stop is in force).
   */
  dpssOmittedAt(t: number): 'file' | number[] {
    const stops = this.faults.filter((f) => f.scenario === 'dpss_stop' && inForce(f, t));
    if (stops.some((f) => f.target === '')) return 'file';
    return stops.map((f) => this.codeIndex.get(f.target)!);
  }

  /** The compiled state for time t: the same object until a fault is added, removed, starts or ends. */
  stateAt(t: number): FaultState {
    if (this.compiled && t >= this.compiledAt && t < this.compiled.validUntil) return this.compiled;
    this.compiled = this.compile(t);
    this.compiledAt = t;
    return this.compiled;
  }

  private resolveTarget(scenario: ScenarioName, kind: TargetKind, target: string | undefined): string {
    switch (kind) {
      case 'none':
        if (target) throw new FaultError(`${scenario} takes no target, got '${target}'`);
        return '';
      case 'node': {
        const node = target ?? this.nodes[0];
        if (!this.nodes.includes(node)) throw new FaultError(`${scenario}: unknown node '${node}': expected one of ${this.nodes.join(', ')}`);
        return node;
      }
      case 'typo': {
        const t = typoOf(this.catalogue, target ?? DEFAULT_TYPO);
        if (typeof t === 'string') throw new FaultError(`${scenario}: ${t}`);
        return t.ussd;
      }
      case 'code_or_none':
        return target ? this.catalogueCode(scenario, target, '') : '';
      case 'code':
        return this.catalogueCode(scenario, target ?? this.catalogue.entries[0].code, '');
      case 'code_or_all': {
        const code = target ?? this.catalogue.entries[0].code;
        return code === 'all' ? code : this.catalogueCode(scenario, code, ' or all');
      }
    }
  }

  private catalogueCode(scenario: ScenarioName, code: string, orElse: string): string {
    if (this.codeIndex.has(code)) return code;
    throw new FaultError(`${scenario}: '${code}' is not a catalogue code: expected one of ${[...this.codeIndex.keys()].join(', ')}${orElse}`);
  }

  private compile(t: number): FaultState {
    const state: FaultState = {
      validUntil: Infinity,
      codes: this.catalogue.entries.map(() => undefined),
      nodes: this.nodes.map(() => ({ overload: 0, silent: false, malformed: 0 })),
      storms: [],
      stormShares: [],
      stormShare: 0,
    };
    for (const f of this.faults) {
      if (f.startMs > t) {
        state.validUntil = Math.min(state.validUntil, f.startMs);
        continue;
      }
      if (f.endMs !== null) {
        if (f.endMs <= t) continue;
        state.validUntil = Math.min(state.validUntil, f.endMs);
      }
      this.apply(state, f);
    }
    return state;
  }

  private apply(state: FaultState, f: Fault): void {
    const codeFaults = (i: number) => (state.codes[i] ??= { slow: 0, down: 0, connector: 0, routing: 0 });
    const node = () => state.nodes[this.nodes.indexOf(f.target)];
    const code = () => codeFaults(this.codeIndex.get(f.target)!);
    // Two faults of one kind on one target: the larger share wins.
    switch (f.scenario) {
      case 'slow_app': code().slow = Math.max(code().slow, f.share); break;
      case 'app_down': code().down = Math.max(code().down, f.share); break;
      case 'routing_broken': code().routing = Math.max(code().routing, f.share); break;
      case 'connector': {
        const indexes = f.target === 'all' ? this.catalogue.entries.map((_, i) => i) : [this.codeIndex.get(f.target)!];
        for (const i of indexes) codeFaults(i).connector = Math.max(codeFaults(i).connector, f.share);
        break;
      }
      case 'node_overload': node().overload = Math.max(node().overload, f.share); break;
      case 'node_silent': node().silent = true; break;
      case 'malformed_burst': node().malformed = Math.max(node().malformed, f.share); break;
      case 'typo_storm':
        state.storms.push(typoOf(this.catalogue, f.target) as Typo);
        state.stormShares.push(f.share);
        state.stormShare += f.share;
        break;
      case 'dpss_stop':
      case 'dpss_corrupt':
        break; // read by dpssOmittedAt() and activeAt() when a file is due
    }
  }
}
