// A small interpreter for the subset of Go text/template that alertmanager/templates/
// uses, so Alertmanager (amtool template render, check-config) and the notifier render
// messages from the same file. Supported: text, {{- -}} trimming, comments, fields
// (.A.b, .), string/number literals, parenthesised sub-pipelines, pipelines with |,
// if/else if/else, range/else, define, template, and the functions eq, ne, len, gt,
// toUpper, toLower, join; Alerts.Firing/Alerts.Resolved; Time.Format for Go layouts.
// Anything else is refused when the file is loaded, not when an alert arrives.

export class TemplateError extends Error {}

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'print'; pipe: Pipe }
  | { kind: 'if'; branches: { cond: Pipe; body: Node[] }[]; otherwise: Node[] }
  | { kind: 'range'; pipe: Pipe; body: Node[]; otherwise: Node[] }
  | { kind: 'template'; name: string; pipe: Pipe | null };

type Operand =
  | { kind: 'field'; path: string[] }
  | { kind: 'literal'; value: unknown }
  | { kind: 'sub'; pipe: Pipe }
  | { kind: 'func'; name: string };
type Command = Operand[];
type Pipe = Command[];

const FUNCS: Record<string, (...args: unknown[]) => unknown> = {
  eq: (a, ...rest) => rest.some((b) => b === a),
  ne: (a, b) => a !== b,
  gt: (a, b) => (a as number) > (b as number),
  len: (v) => (Array.isArray(v) ? v.length : typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0),
  toUpper: (s) => String(s ?? '').toUpperCase(),
  toLower: (s) => String(s ?? '').toLowerCase(),
  join: (sep, list) => (Array.isArray(list) ? list.join(String(sep)) : ''),
};

const TOKEN = /"(?:[^"\\]|\\.)*"|[()|]|[^\s()|]+/g;

function parsePipe(src: string, where: string): Pipe {
  const tokens = src.match(TOKEN) ?? [];
  let i = 0;
  const pipe = (): Pipe => {
    const cmds: Pipe = [[]];
    while (i < tokens.length && tokens[i] !== ')') {
      const t = tokens[i++];
      if (t === '|') cmds.push([]);
      else if (t === '(') {
        cmds[cmds.length - 1].push({ kind: 'sub', pipe: pipe() });
        if (tokens[i++] !== ')') throw new TemplateError(`${where}: missing ')'`);
      } else cmds[cmds.length - 1].push(operand(t));
    }
    if (cmds.some((c) => c.length === 0)) throw new TemplateError(`${where}: empty command in "${src}"`);
    return cmds;
  };
  const operand = (t: string): Operand => {
    if (t.startsWith('"')) return { kind: 'literal', value: JSON.parse(t) };
    if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'literal', value: Number(t) };
    if (t === '.') return { kind: 'field', path: [] };
    if (t.startsWith('.')) return { kind: 'field', path: t.slice(1).split('.') };
    if (t in FUNCS) return { kind: 'func', name: t };
    throw new TemplateError(`${where}: unsupported "${t}" (supported functions: ${Object.keys(FUNCS).join(', ')})`);
  };
  const out = pipe();
  if (i !== tokens.length) throw new TemplateError(`${where}: unexpected ')'`);
  return out;
}

interface Parsed {
  defines: Map<string, Node[]>;
  top: Node[];
}

/** Parses a template file; `file` names it in error messages. */
export function parseTemplates(source: string, file: string): Parsed {
  const defines = new Map<string, Node[]>();
  // Split into text and actions, applying {{- and -}} whitespace trimming.
  const parts: { text?: string; action?: string; line: number }[] = [];
  let pos = 0;
  let line = 1;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf('{{', pos);
    let text = source.slice(pos, open < 0 ? source.length : open);
    if (trimNext) text = text.replace(/^\s+/, '');
    if (open < 0) {
      parts.push({ text, line });
      break;
    }
    const close = source.indexOf('}}', open);
    if (close < 0) throw new TemplateError(`${file}:${line}: unclosed action`);
    let inner = source.slice(open + 2, close);
    if (inner.startsWith('- ')) text = text.replace(/\s+$/, '');
    parts.push({ text, line });
    line += source.slice(pos, open).split('\n').length - 1;
    trimNext = inner.endsWith(' -');
    inner = inner.replace(/^- /, '').replace(/ -$/, '').trim();
    parts.push({ action: inner, line });
    line += inner.split('\n').length - 1;
    pos = close + 2;
  }

  let k = 0;
  // Parses nodes until one of `stops` is met; returns the nodes and the stop action.
  const block = (stops: RegExp | null): [Node[], string] => {
    const nodes: Node[] = [];
    while (k < parts.length) {
      const p = parts[k++];
      if (p.text !== undefined) {
        if (p.text) nodes.push({ kind: 'text', text: p.text });
        continue;
      }
      const a = p.action as string;
      const where = `${file}:${p.line}`;
      if (a.startsWith('/*')) continue;
      if (stops && stops.test(a)) return [nodes, a];
      let m: RegExpMatchArray | null;
      if ((m = a.match(/^define\s+("(?:[^"\\]|\\.)*")$/))) {
        const [body, end] = block(/^end$/);
        if (end !== 'end') throw new TemplateError(`${where}: define without end`);
        defines.set(JSON.parse(m[1]), body);
      } else if ((m = a.match(/^if\s+(.+)$/s))) {
        const branches = [{ cond: parsePipe(m[1], where), body: [] as Node[] }];
        let otherwise: Node[] = [];
        for (;;) {
          const [body, end] = block(/^(end|else(\s+if\s+.+)?)$/s);
          if (!end) throw new TemplateError(`${where}: if without end`);
          if (end === 'end') {
            branches[branches.length - 1].body = body;
            break;
          }
          branches[branches.length - 1].body = body;
          const elif = end.match(/^else\s+if\s+(.+)$/s);
          if (elif) branches.push({ cond: parsePipe(elif[1], where), body: [] });
          else {
            const [rest, fin] = block(/^end$/);
            if (fin !== 'end') throw new TemplateError(`${where}: else without end`);
            otherwise = rest;
            break;
          }
        }
        nodes.push({ kind: 'if', branches, otherwise });
      } else if ((m = a.match(/^range\s+(.+)$/s))) {
        const [body, end] = block(/^(end|else)$/);
        if (!end) throw new TemplateError(`${where}: range without end`);
        const otherwise = end === 'else' ? block(/^end$/)[0] : [];
        nodes.push({ kind: 'range', pipe: parsePipe(m[1], where), body, otherwise });
      } else if ((m = a.match(/^template\s+("(?:[^"\\]|\\.)*")\s*(.*)$/s))) {
        nodes.push({ kind: 'template', name: JSON.parse(m[1]), pipe: m[2] ? parsePipe(m[2], where) : null });
      } else if (/^(end|else)\b/.test(a)) {
        throw new TemplateError(`${where}: unexpected {{ ${a} }}`);
      } else {
        nodes.push({ kind: 'print', pipe: parsePipe(a, where) });
      }
    }
    return [nodes, ''];
  };
  const [top] = block(null);
  return { defines, top };
}

// Go's reference time, token by token, for Time.Format.
const LAYOUT = /2006|01|02|15|04|05|MST|Z07:00/g;

function formatTime(iso: string, layout: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  const parts: Record<string, string> = {
    '2006': String(d.getUTCFullYear()), '01': p(d.getUTCMonth() + 1), '02': p(d.getUTCDate()),
    '15': p(d.getUTCHours()), '04': p(d.getUTCMinutes()), '05': p(d.getUTCSeconds()), MST: 'UTC', 'Z07:00': 'Z',
  };
  return layout.replace(LAYOUT, (t) => parts[t]);
}

// Go fields are capitalised; the webhook JSON is camelCase: accept either spelling.
function field(v: unknown, name: string): unknown {
  if (Array.isArray(v) && (name === 'Firing' || name === 'Resolved')) {
    return v.filter((a) => (a as { status?: string }).status === name.toLowerCase());
  }
  if (v === null || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (name in o) return o[name];
  const camel = name[0].toLowerCase() + name.slice(1);
  return o[camel];
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (v && typeof v === 'object') return Object.keys(v).length > 0;
  return Boolean(v);
}

export type Escape = (s: string) => string;

export const escapeHtml: Escape = (s) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] as string);

/** A loaded template file: render any of its {{ define }}d templates against alert data. */
export class TemplateSet {
  private readonly defines: Map<string, Node[]>;

  constructor(source: string, file: string) {
    this.defines = parseTemplates(source, file).defines;
  }

  has(name: string): boolean {
    return this.defines.has(name);
  }

  render(name: string, data: unknown, escape: Escape = (s) => s): string {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(`no template named "${name}"`);
    const out: string[] = [];
    this.exec(body, data, escape, out);
    return out.join('');
  }

  private exec(nodes: Node[], dot: unknown, escape: Escape, out: string[]): void {
    for (const n of nodes) {
      switch (n.kind) {
        case 'text': out.push(n.text); break;
        case 'print': {
          const v = this.pipe(n.pipe, dot);
          out.push(escape(v === undefined || v === null ? '' : String(v)));
          break;
        }
        case 'if': {
          const hit = n.branches.find((b) => truthy(this.pipe(b.cond, dot)));
          this.exec(hit ? hit.body : n.otherwise, dot, escape, out);
          break;
        }
        case 'range': {
          const v = this.pipe(n.pipe, dot);
          const items = Array.isArray(v) ? v : v && typeof v === 'object' ? Object.keys(v).sort().map((k) => (v as Record<string, unknown>)[k]) : [];
          if (items.length === 0) this.exec(n.otherwise, dot, escape, out);
          for (const item of items) this.exec(n.body, item, escape, out);
          break;
        }
        case 'template': {
          const body = this.defines.get(n.name);
          if (!body) throw new TemplateError(`no template named "${n.name}"`);
          this.exec(body, n.pipe ? this.pipe(n.pipe, dot) : undefined, escape, out);
          break;
        }
      }
    }
  }

  private pipe(pipe: Pipe, dot: unknown): unknown {
    let prev: unknown;
    pipe.forEach((cmd, i) => {
      const args = i === 0 ? [] : [prev];
      prev = this.command(cmd, dot, args);
    });
    return prev;
  }

  private command(cmd: Command, dot: unknown, piped: unknown[]): unknown {
    const [head, ...rest] = cmd;
    const value = (o: Operand): unknown => {
      if (o.kind === 'literal') return o.value;
      if (o.kind === 'sub') return this.pipe(o.pipe, dot);
      if (o.kind === 'func') return FUNCS[o.name]();
      return o.path.reduce(field, dot);
    };
    if (head.kind === 'func') return FUNCS[head.name](...rest.map(value), ...piped);
    // A method call with an argument: Time.Format "layout".
    if (head.kind === 'field' && head.path[head.path.length - 1] === 'Format' && rest.length === 1) {
      return formatTime(String(head.path.slice(0, -1).reduce(field, dot)), String(value(rest[0])));
    }
    return value(head);
  }
}
