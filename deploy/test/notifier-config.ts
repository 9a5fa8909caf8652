// The notifier configuration the compose file gives the notifier container: its own
// start command as docker-compose resolves it (alone, or with an env file such as
// deploy/ha.env), its merges (merge-config.mjs over the mounted files) run on the host,
// then read with the notifier's real loader.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig, type NotifierConfig } from '../../notifier/src/config.js';
import { ROOT, sandbox } from './container.js';

export interface NotifierCommand {
  /** Each `node SCRIPT BASE OVERLAY OUT`, in order. */
  merges: Array<{ script: string; base: string; overlay: string; out: string }>;
  config: string;
}

/** The notifier's command as docker-compose resolves it, in an environment free of the deployment's variables. */
export function notifierCommand(envFile?: string): NotifierCommand {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('USSDWATCH_') && !k.startsWith('COMPOSE_')));
  const r = spawnSync('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), ...(envFile ? ['--env-file', envFile] : []), 'config'], { cwd: ROOT, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`docker-compose config: ${r.stderr}`);
  const command = (parse(r.stdout) as { services: { notifier: { command: string[] } } }).services.notifier.command.join(' ');
  const merges = [...command.matchAll(/node (\S+merge-config\.mjs) (\S+) (\S+) (\S+)/g)].map(([, script, base, overlay, out]) => ({ script, base, overlay, out }));
  const config = /--config (\S+)/.exec(command);
  if (merges.length === 0 || !config) throw new Error(`the notifier's command does not merge and load a config: ${command}`);
  return { merges, config: config[1] };
}

export function composeNotifierConfig(envFile?: string): NotifierConfig {
  const cmd = notifierCommand(envFile);
  const fs = sandbox('notifier');
  try {
    for (const m of cmd.merges) execFileSync(process.execPath, [fs.path(m.script), fs.path(m.base), fs.path(m.overlay), fs.path(m.out)]);
    // The container's absolute paths (the secrets) inside the sandbox.
    writeFileSync(fs.path(cmd.config), readFileSync(fs.path(cmd.config), 'utf8').replaceAll('/etc/ussdwatch/', `${fs.path('/etc/ussdwatch')}/`));
    return loadConfig(fs.path(cmd.config), {});
  } finally {
    fs.remove();
  }
}
