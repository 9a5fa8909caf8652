// Drives a Simulation through time: as fast as possible over a fixed span (--fast), or
// along the wall clock until the duration ends or a signal arrives. Reports progress
// on stderr and measures the rates /status shows.
import type { Fault, FaultRequest } from './faults.js';
import type { Simulation } from './simulation.js';
import { faultView, type ControlTarget } from './control-server.js';

/** Live mode: how often the wall clock is caught up with. Small enough for smooth tailing. */
const TICK_MS = 100;
/** --fast mode: the simulated step between two flushes. */
const FAST_STEP_MS = 1000;
const PROGRESS_EVERY_MS = 10_000;

interface Snapshot {
  at: number;
  dialogs: number;
  lines: number[];
}

export class Runner implements ControlTarget {
  private readonly started = Date.now();
  private last: Snapshot;
  private rates: { dialogs_per_s: number; lines_per_s: Record<string, number> } = { dialogs_per_s: 0, lines_per_s: {} };

  constructor(private readonly sim: Simulation, private readonly log: (msg: string) => void) {
    this.last = this.snapshot(Date.now());
  }

  now(): number {
    return this.sim.time;
  }

  startFault(req: FaultRequest): Fault {
    const f = this.sim.faults.add(req, this.sim.time);
    this.log(`fault ${f.id} started: ${f.scenario}${f.target ? ' on ' + f.target : ''}, share ${f.share}`);
    return f;
  }

  stopFault(id: string): boolean {
    const ok = this.sim.faults.remove(id);
    if (ok) this.log(`fault ${id} stopped`);
    return ok;
  }

  faults(): Fault[] {
    return this.sim.faults.list(this.sim.time);
  }

  status() {
    return { ...this.sim.status(), faults: this.faults().map(faultView), rates: this.rates };
  }

  /** Generates [start, end) of simulated time without waiting for the clock. */
  async runFast(endMs: number, shouldStop: () => boolean): Promise<void> {
    let lastReport = Date.now();
    for (let t = this.sim.time; t < endMs && !shouldStop(); ) {
      t = Math.min(endMs, t + FAST_STEP_MS);
      this.sim.advanceTo(t);
      // Let signals in between steps, or SIGINT would wait for the whole span.
      await new Promise(setImmediate);
      if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        this.report();
      }
    }
    this.summary();
  }

  /** Follows the wall clock until endMs (or forever) or until stop resolves. */
  async runLive(endMs: number | null, stop: Promise<void>): Promise<void> {
    let stopped = false;
    void stop.then(() => (stopped = true));
    let lastReport = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = Date.now();
        const until = endMs === null ? now : Math.min(now, endMs);
        this.sim.advanceTo(until);
        if (now - lastReport >= PROGRESS_EVERY_MS) {
          lastReport = now;
          this.report();
        }
        if (stopped || (endMs !== null && now >= endMs)) {
          clearInterval(timer);
          resolve();
        }
      }, TICK_MS);
    });
    this.summary();
  }

  private summary(): void {
    const s = this.sim.status();
    const secs = Math.max(0.001, (Date.now() - this.started) / 1000);
    const lines = s.nodes.map((n) => `${n.node} ${n.lines}`).join(', ');
    this.log(`done: ${s.dialogs} dialogs in ${secs.toFixed(1)} s (${Math.round(s.dialogs / secs)}/s), lines ${lines}, DPSS files ${s.dpss.files_written}`);
  }

  private snapshot(at: number): Snapshot {
    const s = this.sim.status();
    return { at, dialogs: s.dialogs, lines: s.nodes.map((n) => n.lines) };
  }

  private report(): void {
    const now = this.snapshot(Date.now());
    const dt = Math.max(1, now.at - this.last.at) / 1000;
    const s = this.sim.status();
    this.rates = {
      dialogs_per_s: Math.round((now.dialogs - this.last.dialogs) / dt),
      lines_per_s: Object.fromEntries(s.nodes.map((n, i) => [n.node, Math.round((now.lines[i] - this.last.lines[i]) / dt)])),
    };
    this.last = now;
    const lines = s.nodes.reduce((sum, n) => sum + n.lines, 0);
    const active = s.faults.length === 0 ? 'none' : s.faults.map((f) => `${f.id}:${f.scenario}${f.target ? ':' + f.target : ''}`).join(' ');
    this.log(`${s.sim_time} dialogs ${s.dialogs} lines ${lines} (${this.rates.dialogs_per_s}/s) dpss files ${s.dpss.files_written} faults ${active}`);
  }
}
