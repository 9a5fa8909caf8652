// The notifier configuration the compose file gives the notifier container: its own
// start command (merge-config.mjs over the mounted files), run on the host, then read
// with the notifier's real loader.
import { execFileSync } from 'node:child_process';
import { loadConfig, type NotifierConfig } from '../../notifier/src/config.js';
import { compose, sandbox } from './container.js';

/** The `node merge-config.mjs BASE OVERLAY OUT` and `--config FILE` of the notifier's command. */
export function notifierCommand(): { script: string; base: string; overlay: string; out: string; config: string } {
  const command = compose.services.notifier.command!.join(' ');
  const merge = /node (\S+merge-config\.mjs) (\S+) (\S+) (\S+)/.exec(command);
  const config = /--config (\S+)/.exec(command);
  if (!merge || !config) throw new Error(`the notifier's command does not merge and load a config: ${command}`);
  return { script: merge[1], base: merge[2], overlay: merge[3], out: merge[4], config: config[1] };
}

export function composeNotifierConfig(): NotifierConfig {
  const cmd = notifierCommand();
  const fs = sandbox('notifier');
  try {
    execFileSync(process.execPath, [fs.path(cmd.script), fs.path(cmd.base), fs.path(cmd.overlay), fs.path(cmd.out)]);
    return loadConfig(fs.path(cmd.config), {});
  } finally {
    fs.remove();
  }
}
