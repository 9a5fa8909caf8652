import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, DEFAULT_CONFIG_FILE, loadConfig, parseConfig } from '../src/config.js';

const TEAMS = `teams:
  billing: { emails: [a@djezzy.dz], oncall_sms: ["213770000101"] }
  technical:
    emails: [t@djezzy.dz]
    oncall_sms: ["213770000901"]
    critical_sms: ["213770000902"]
`;

const parse = (text: string, env: NodeJS.ProcessEnv = { NOTIFIER_TOKEN: 't' }) => parseConfig(text, '/etc/ussdwatch/notifier.yaml', env);

describe('notifier configuration', () => {
  it('loads the shipped file: every team an alert can name, the token shared with Alertmanager', () => {
    const cfg = loadConfig(DEFAULT_CONFIG_FILE, {});
    // Teams come from the catalogue (short-code alerts) and from the rules (alerts of no code):
    // a team missing here would silently fall back to the critical team.
    const repo = join(import.meta.dirname, '..', '..');
    const catalogue = parseYaml(readFileSync(join(repo, 'exporter/config/catalogue.yaml'), 'utf8')) as { short_codes: { team: string }[] };
    const catalogueTeams = catalogue.short_codes.map((c) => c.team);
    expect(catalogueTeams.length).toBeGreaterThan(0);
    const ruleTeams = readdirSync(join(repo, 'prometheus/rules')).flatMap((f) =>
      [...readFileSync(join(repo, 'prometheus/rules', f), 'utf8').matchAll(/^\s+team:\s*"?([\w-]+)/gm)].map((m) => m[1]));
    expect(ruleTeams.length).toBeGreaterThan(0);
    for (const team of new Set([...catalogueTeams, ...ruleTeams, 'technical'])) expect([...cfg.teams.keys()]).toContain(team);
    expect(cfg.token).toBe('ussdwatch-local-dev-token-change-me');
    expect(cfg.listen).toEqual({ host: '127.0.0.1', port: 9717 });
    expect(cfg.sms.sendsmsUrl).toBe('http://127.0.0.1:13013/cgi-bin/sendsms');
  });

  it('takes the token from NOTIFIER_TOKEN before the file', () => {
    expect(parse(TEAMS, { NOTIFIER_TOKEN: 'from-env' }).token).toBe('from-env');
  });

  it.each([
    ['a bad number, with its line and a fix', TEAMS.replace('"213770000101"', '"0770 12"'), /notifier\.yaml:2: teams\.billing\.oncall_sms\[0\]: "0770 12" is not an international number.*write it like 213770123456/],
    ['a misspelt key', `${TEAMS}dedupe: {}\n`, /notifier\.yaml:7: dedupe: unknown key; allowed keys here: listen, auth/],
    ['a bad email', TEAMS.replace('a@djezzy.dz', 'nobody'), /:2: teams\.billing\.emails\[0\]: "nobody" is not an email address/],
    ['a critical team without numbers', TEAMS.replace('    critical_sms: ["213770000902"]\n', ''), /teams\.technical\.critical_sms: the critical team needs at least one number/],
    ['an unknown critical team', `${TEAMS}critical_team: noc\n`, /:7: critical_team: team "noc" is not under teams/],
    ['an out-of-range port', `listen: { port: 70000 }\n${TEAMS}`, /:1: listen\.port: expected an integer from 0 to 65535; got 70000/],
    ['YAML syntax', 'teams: [\n', /\(syntax\).*fix the YAML syntax/],
    ['a journal memory budget below 64 KiB', `journal: { memory_max_bytes: 1000 }\n${TEAMS}`, /:1: journal\.memory_max_bytes: expected an integer from 65536/],
    ['an SMS cap leaving no room for the summary', `sms: { max_per_recipient_per_hour: 1 }\n${TEAMS}`, /:1: sms\.max_per_recipient_per_hour: expected an integer from 2/],
    ['a CA file that is no certificate', `email: { tls_ca_file: /etc/hostname }\n${TEAMS}`, /:1: email\.tls_ca_file: is not a PEM certificate/],
    ['Alertmanager credentials without a user', `alertmanager: { basic_auth: { password_file: /etc/hostname } }\n${TEAMS}`, /:1: alertmanager\.basic_auth\.username: missing; this key is required/],
    ['Alertmanager credentials whose password file is missing', `alertmanager: { basic_auth: { username: grafana, password_file: /nonexistent/grafana.password } }\n${TEAMS}`, /:1: alertmanager\.basic_auth\.password_file: cannot read \/nonexistent\/grafana\.password \(ENOENT\)/],
    ['a watchdog timeout that is no duration', `watchdog: { timeout: 5 minutes }\n${TEAMS}`, /:1: watchdog\.timeout: not a duration; write it like 5m or 90s/],
    ['a watchdog timeout too short to outlast the heartbeat', `watchdog: { timeout: 5s }\n${TEAMS}`, /:1: watchdog\.timeout: write between 10s and 1h/],
    ['a watchdog team not under teams', `watchdog:\n  timeout: 5m\n  team: nobody\n${TEAMS}`, /:3: watchdog\.team: team "nobody" is not under teams/],
  ])('refuses %s', (_what, text, message) => {
    expect(() => parse(text)).toThrow(ConfigError);
    expect(() => parse(text)).toThrow(message);
  });

  it('requires STARTTLS for mail unless the file says require_tls: false; caps SMS at 20 an hour', () => {
    const cfg = parse(TEAMS);
    expect(cfg.email.requireTls).toBe(true);
    expect(cfg.sms.maxPerRecipientPerHour).toBe(20);
    expect(cfg.journal.memoryMaxBytes).toBe(32 * 1024 * 1024);
    expect(parse(`email: { require_tls: false }\n${TEAMS}`).email.requireTls).toBe(false);
    // The demo's catchers speak plain SMTP, and the e2e plays hours in minutes: the shipped file says so.
    const shipped = loadConfig(DEFAULT_CONFIG_FILE, {});
    expect(shipped.email.requireTls).toBe(false);
    expect(shipped.sms.maxPerRecipientPerHour).toBe(40);
  });

  it('watches the pipeline only when the file has a watchdog section: 5m and the critical team by default, 5m and ussdwatch shipped', () => {
    expect(parse(TEAMS).watchdog).toBeUndefined();
    expect(parse(`watchdog: {}\n${TEAMS}`).watchdog).toEqual({ timeoutMs: 300_000, team: 'technical' });
    expect(parse(`watchdog: { timeout: 15s, team: billing }\n${TEAMS}`).watchdog).toEqual({ timeoutMs: 15_000, team: 'billing' });
    expect(loadConfig(DEFAULT_CONFIG_FILE, {}).watchdog).toEqual({ timeoutMs: 300_000, team: 'ussdwatch' });
  });

  it('refuses to start without a token', () => {
    expect(() => parse(TEAMS, {})).toThrow(/auth: no bearer token: set auth\.token_file .* or the NOTIFIER_TOKEN/);
  });

  it('names the file when it cannot be read', () => {
    expect(() => loadConfig('/nonexistent/notifier.yaml')).toThrow(/\/nonexistent\/notifier\.yaml: \(file\): cannot read: ENOENT; pass --config FILE or set NOTIFIER_CONFIG/);
  });
});
