import { writeFileSync } from 'node:fs';
import { loadSlo } from './slo.js';
import { ruleFiles } from './generate.js';
import { renderRuleFile } from './rule-file.js';
process.chdir('/work/wt/slo');
for (const f of ruleFiles(loadSlo('prometheus/slo.yaml'))) writeFileSync(f.path, renderRuleFile(f));
