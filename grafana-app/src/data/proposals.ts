// The exporter's /api/proposals: statuses no status map knows, where its learned second
// opinion would put them, and the status-map lines it proposes once sure often enough.

export interface UnmappedStatus {
  source: string;
  status: string;
  dialogs: number;
  lastSeen: number;
  /** `class/cause` the model's confident guesses agree on, or '' when none was confident. */
  guess: string;
  agreeing: number;
  confidence: number;
  proposed: boolean;
  /** The lines to paste into the source's status map (proposed statuses only). */
  yaml: string;
}

export interface Proposals {
  /** Whether the exporter runs with a model (config key learn). */
  model: boolean;
  minConfidence: number;
  proposeAfter: number;
  statuses: UnmappedStatus[];
}

type Raw = Record<string, unknown>;
const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const num = (v: unknown) => (typeof v === 'number' ? v : NaN);

export function parseProposals(body: unknown): Proposals {
  const b = body as Raw | null;
  if (!b || !Array.isArray(b.statuses)) throw new Error('the exporter proposals API did not answer with a list of statuses');
  const model = b.model as Raw | null;
  return {
    model: model !== null && typeof model === 'object',
    minConfidence: num(model?.min_confidence),
    proposeAfter: num(model?.propose_after),
    statuses: (b.statuses as Raw[]).map((s) => ({
      source: text(s.source),
      status: text(s.status),
      dialogs: num(s.dialogs),
      lastSeen: Date.parse(text(s.last_seen)),
      guess: s.class && s.cause ? `${text(s.class)}/${text(s.cause)}` : '',
      agreeing: num(s.agreeing),
      confidence: num(s.confidence),
      proposed: s.proposed === true,
      yaml: s.proposed === true ? text(s.yaml) : '',
    })),
  };
}
