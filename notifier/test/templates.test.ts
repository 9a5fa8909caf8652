// The notifier renders the same template file Alertmanager loads; this proves both give
// the same text, by rendering with the real amtool and with the notifier.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { escapeHtml, TemplateError, TemplateSet } from '../src/gotemplate.js';
import { Messages } from '../src/messages.js';
import { parsePayload } from '../src/payload.js';
import { payload, REPO, TEMPLATES } from './helpers.js';

const run = promisify(execFile);
const SAMPLE = join(REPO, 'alertmanager/tests/sample-data.json');

async function amtoolRender(name: string, dataFile: string, type = 'text'): Promise<string> {
  const { stdout } = await run('amtool', ['template', 'render', `--template.glob=${TEMPLATES}`, `--template.data=${dataFile}`, `--template.type=${type}`, `--template.text={{ template "${name}" . }}`]);
  return stdout;
}

describe('alertmanager/templates/ussdwatch.tmpl', () => {
  const set = new TemplateSet(readFileSync(TEMPLATES, 'utf8'), TEMPLATES);
  const sample = JSON.parse(readFileSync(SAMPLE, 'utf8'));

  it.each(['ussdwatch.sms', 'ussdwatch.email.subject', 'ussdwatch.email.text'])('%s renders as amtool renders it', async (name) => {
    expect(set.render(name, sample)).toBe(await amtoolRender(name, SAMPLE));
  });

  it('renders the HTML mail as amtool does, values escaped', async () => {
    expect(set.render('ussdwatch.email.html', sample, escapeHtml)).toBe(await amtoolRender('ussdwatch.email.html', SAMPLE, 'html'));
  });

  it('renders a two-alert resolved group with counts and without common annotations', () => {
    const p = parsePayload(JSON.stringify(payload({ status: 'resolved', summary: 'first' }, [{ status: 'firing', summary: 'second' }])), []);
    expect(set.render('ussdwatch.sms', p)).toBe('ALERT T2 *710# UssdAppTimeouts: first; second;  (1/2 firing)');
  });

  it('fits the SMS into one message and names the short code in the subject', () => {
    const m = Messages.load(TEMPLATES);
    const long = parsePayload(JSON.stringify(payload({ summary: 'x'.repeat(300) })), []);
    expect(m.sms(long)).toMatchObject({ encoding: 'gsm7', units: 160, truncated: true });
    const ar = parsePayload(JSON.stringify(payload({ summary: 'انقطاع الخدمة' })), []);
    expect(m.sms(ar).encoding).toBe('ucs2');
    expect(m.email(long).subject).toBe('[ussdwatch T2] FIRING: UssdAppTimeouts *710# (1 firing)');
  });

  it('refuses at load time what it cannot render, naming file and line', () => {
    expect(() => new TemplateSet('{{ define "a" }}\n{{ .X | printf "%s" }}{{ end }}', 'f.tmpl')).toThrow(TemplateError);
    expect(() => new TemplateSet('{{ define "a" }}\n{{ .X | printf "%s" }}{{ end }}', 'f.tmpl')).toThrow(/^f\.tmpl:2: unsupported "printf"/);
    expect(() => new TemplateSet('{{ define "a" }}{{ if .X }}', 'f.tmpl')).toThrow(/if without end/);
  });
});

describe('Messages.load', () => {
  it('says which file is missing and how to fix it', () => {
    expect(() => Messages.load('/nonexistent/ussdwatch.tmpl')).toThrow(/^\/nonexistent\/ussdwatch\.tmpl: cannot read the message templates \(ENOENT\); point "templates:"/);
  });
});
