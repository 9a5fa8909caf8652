// plugin.json as Grafana reads it: the published plugin schema's rules (test/plugin-json.schema.json
// says where they come from), checked by a real JSON-schema validator; grafanaDependency
// matching the @grafana packages the app is built and tested with.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';

const readJson = (path: string) => JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as Record<string, unknown>;
const pluginJson = readJson('../src/plugin.json') as { dependencies: { grafanaDependency: string } } & Record<string, unknown>;
// The published patterns are written for Go and JavaScript without the u flag (\- and \% escapes).
const ajv = new Ajv({ allErrors: true, strict: true, unicodeRegExp: false });
addFormats.default(ajv);
const validate = ajv.compile(readJson('./plugin-json.schema.json'));

describe('plugin.json', () => {
  it('meets Grafana\'s plugin schema', () => {
    expect(validate(pluginJson), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it('the check itself rejects what Grafana would', () => {
    expect(validate({ ...pluginJson, id: 'Djezzy_USSDWatch' })).toBe(false);
    expect(validate({ ...pluginJson, dependencies: { grafanaDependency: 'eleven' } })).toBe(false);
    expect(validate({ ...pluginJson, includes: [{ type: 'page', role: 'Superuser' }] })).toBe(false);
    expect(validate({ ...pluginJson, unknownField: true })).toBe(false);
  });

  it('asks for the Grafana the app is built and tested against', () => {
    const built = (readJson('../package.json') as { dependencies: Record<string, string> }).dependencies['@grafana/ui'];
    expect(pluginJson.dependencies.grafanaDependency).toBe(`>=${built}`);
  });
});
