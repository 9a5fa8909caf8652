// Which short codes a report covers: all of them, one team's (from the catalogue metric
// ussd_shortcode_info), or one code. Resolved once to a list, then to a label matcher.
export type Scope = { kind: 'all' } | { kind: 'team'; team: string } | { kind: 'code'; code: string };

export class ScopeError extends Error {
  override name = 'ScopeError';
}

export function parseScope(text: string): Scope {
  if (text === 'all') return { kind: 'all' };
  const m = /^(team|code):(.+)$/.exec(text);
  if (!m) throw new ScopeError(`--scope ${text}: expected all, team:NAME or code:*710#`);
  return m[1] === 'team' ? { kind: 'team', team: m[2] } : { kind: 'code', code: m[2] };
}

export function scopeId(s: Scope): string {
  const raw = s.kind === 'all' ? 'all' : s.kind === 'team' ? `team-${s.team}` : `code-${s.code}`;
  // File names: * and # are legal but awkward in shells and URLs.
  return raw.replace(/\*/g, 's').replace(/#/g, 'h').replace(/[^A-Za-z0-9_-]/g, '_');
}

/** A PromQL string literal. */
export const promString = (s: string): string => JSON.stringify(s);

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The label matcher for a list of codes (`short_code=~"\\*710#|\\*720#"`), or '' for every
 * code. An empty list matches nothing (a team with no code).
 */
export function codeMatcher(label: string, codes: readonly string[] | null): string {
  if (codes === null) return '';
  if (codes.length === 0) return `${label}="__none__"`;
  return `${label}=~${promString(codes.map(regexEscape).join('|'))}`;
}
