import { describe, expect, it } from 'vitest';
import { createLineParser } from '../../src/parsers/index.js';
import { dialog } from '../core/fixtures.js';

const json = createLineParser({ format: 'ussd-json', utcOffsetMinutes: 60 });
const SPEC_LINE =
  '{"ts":"2026-11-21T13:45:04.002+01:00","node":"gw03","session":"9a0c","msisdn":"213780000111","ussd":"*720*1#","type":"PULL","menu":"1","status":"FAILED_APP_TIMEOUT","map_error":null,"steps":1,"app_ms":null,"dialog_ms":25012}';

describe('ussd-json', () => {
  it('reads the log-formats.md example', () => {
    const over = { node: 'gw03', session: '9a0c', msisdn: '213780000111', ussd: '*720*1#', status: 'FAILED_APP_TIMEOUT', appMs: null, dialogMs: 25012 };
    expect(json.parse(SPEC_LINE)).toEqual(dialog({ ts: Date.UTC(2026, 10, 21, 12, 45, 4, 2), ...over }));
  });

  it('numbers as strings, empty strings as null, unknown keys ignored, CRLF', () => {
    const d = json.parse('{"ts":"2026-11-21 13:45:04","ussd":" *710# ","status":"success","map_error":"","steps":"2","app_ms":" 900 ","dialog_ms":"","vendor":{"x":1}}\r');
    expect(d).toMatchObject({ ts: Date.UTC(2026, 10, 21, 12, 45, 4), ussd: '*710#', status: 'success', mapError: null, steps: 2, appMs: 900, dialogMs: null, node: '' });
  });

  it('a byte order mark before the object; map_error as a string, with zeros or spaces', () => {
    expect(json.parse(`\uFEFF${SPEC_LINE}`)).toEqual(json.parse(SPEC_LINE));
    for (const mapError of ['"27"', '" 27 "', '"027"', '27', '27.0']) {
      expect(json.parse(`{"ts":"2026-11-21T13:45:04","ussd":"*710#","status":"FAILED_MAP_ERROR_COMPONENT","map_error":${mapError}}`)).toMatchObject({ mapError: 27 });
    }
  });

  it('null, missing and "" are all "no value" for optional fields', () => {
    for (const appMs of ['"app_ms":null,', '', '"app_ms":"",', '"app_ms":"  ",']) {
      expect(json.parse(`{${appMs}"ts":"2026-11-21T13:45:04","ussd":"*710#","status":"SUCCESS"}`)).toMatchObject({ appMs: null, node: '' });
    }
  });

  it.each([
    ['[1,2]', 'bad_json'],
    ['null', 'bad_json'],
    ['{"ts":', 'bad_json'],
    ['{"ussd":"*710#","status":"SUCCESS"}', 'missing_field'],
    ['{"ts":" ","ussd":"*710#","status":"SUCCESS"}', 'missing_field'],
    ['{"ts":null,"ussd":"*710#","status":"SUCCESS"}', 'missing_field'],
    ['{"ts":"2026-11-21T13:45:04Z","status":"SUCCESS"}', 'missing_field'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":""}', 'missing_field'],
    ['{"ts":"2026-02-30T13:45:04Z","ussd":"*710#","status":"SUCCESS"}', 'bad_timestamp'],
    ['{"ts":1763729104000,"ussd":"*710#","status":"SUCCESS"}', 'bad_timestamp'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":"fast"}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":-3}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":true}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":1e300}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":"1e3"}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS","app_ms":{"v":1}}', 'bad_number'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":{"code":"SUCCESS"}}', 'missing_field'],
    ['"SUCCESS"', 'bad_json'],
    ['42', 'bad_json'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUCCESS"} trailing', 'bad_json'],
    ['{"ts":"2026-11-21T13:45:04Z","ussd":"*710#","status":"SUC\u0000"}', 'binary'],
    ['  ', 'empty'],
  ])('%s -> %s', (line, reason) => {
    expect(json.parse(line)).toBe(reason);
  });
});
