import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/core/classifier.js';
import { compileStatusMap, defaultStatusMap } from '../../src/config/status-map-file.js';
import { configErrorOf, dialog, SPEC_CATALOGUE } from './fixtures.js';

const classifier = new Classifier(SPEC_CATALOGUE, defaultStatusMap());
const classOf = (over: Parameters<typeof dialog>[0]) => {
  const c = classifier.classify(dialog(over));
  return `${c.cls}/${c.cause}`;
};

// classification.md, the status map table, row by row (app_ms kept under every threshold).
const TABLE: Array<[string, string]> = [
  ['SUCCESS', 'ok/ok'],
  ['NO_ROUTING_RULE', 'internal/routing'],
  ['INVALID_INPUT', 'user/invalid_input'],
  ['FAILED_DIALOG_USER_ABORT', 'user/abandoned'],
  ['FAILED_DIALOG_TIMEOUT', 'user/abandoned'],
  ['FAILED_ABSENT_SUBSCRIBER', 'user/subscriber'],
  ['FAILED_USSD_BUSY', 'user/subscriber'],
  ['FAILED_ILLEGAL_SUBSCRIBER', 'user/subscriber'],
  ['FAILED_CALL_BARRED', 'user/subscriber'],
  ['FAILED_APP_TIMEOUT', 'internal/app_timeout'],
  ['FAILED_INVOKE_TIMEOUT', 'internal/network_timeout'],
  ['FAILED_SYSTEM_FAILURE', 'internal/system_failure'],
  ['FAILED_CORRUPTED_MESSAGE', 'internal/system_failure'],
  ['ABORT_APP', 'internal/system_failure'],
  ['FAILED_TRANSPORT_ERROR', 'internal/connector'],
  ['FAILED_TRANSPORT_FAILURE', 'internal/connector'],
  ['FAILED_PROVIDER_ABORT', 'internal/connector'],
  ['SERVER_OVERLOADED', 'internal/overload'],
  ['FAILED_MAP_ERROR_COMPONENT', 'internal/system_failure'],
  ['SOMETHING_NEW', 'unclassified/unknown_status'],
];

describe('default status map (classification.md)', () => {
  it.each(TABLE)('%s -> %s', (status, expected) => {
    expect(classOf({ status })).toBe(expected);
    expect(classOf({ status: `  ${status.toLowerCase()} ` })).toBe(expected);
  });

  it('is exactly the table: no status left out, none added', () => {
    expect([...defaultStatusMap().rules.keys()].sort()).toEqual(TABLE.map(([s]) => s).filter((s) => s !== 'SOMETHING_NEW').sort());
  });

  it('SUCCESS is slow only above the code slow_ms (boundary, per code, default 3000)', () => {
    expect(classOf({ ussd: '*710#', appMs: 2000 })).toBe('ok/ok');
    expect(classOf({ ussd: '*710#', appMs: 2001 })).toBe('internal/slow_response');
    expect(classOf({ ussd: '*720#', appMs: 3000 })).toBe('ok/ok');
    expect(classOf({ ussd: '*720#', appMs: 3001 })).toBe('internal/slow_response');
    expect(classOf({ ussd: '*720#', appMs: null })).toBe('ok/ok');
  });

  it('only SUCCESS turns slow', () => {
    expect(classOf({ status: 'INVALID_INPUT', appMs: 9000 })).toBe('user/invalid_input');
  });

  it('NO_ROUTING_RULE is the subscriber fault only for an unknown code', () => {
    expect(classOf({ status: 'NO_ROUTING_RULE', ussd: '*719#' })).toBe('user/wrong_code');
    expect(classOf({ status: 'NO_ROUTING_RULE', ussd: '*720*1*3#' })).toBe('internal/routing');
  });

  it.each([1, 9, 11, 12, 13, 27, 72])('FAILED_MAP_ERROR_COMPONENT with map_error %i is user/subscriber', (mapError) => {
    expect(classOf({ status: 'FAILED_MAP_ERROR_COMPONENT', mapError })).toBe('user/subscriber');
  });

  it.each([0, 2, 10, 34, 71, 73, null])('FAILED_MAP_ERROR_COMPONENT with map_error %s is internal/system_failure', (mapError) => {
    expect(classOf({ status: 'FAILED_MAP_ERROR_COMPONENT', mapError })).toBe('internal/system_failure');
  });

  it('a map_error on another status changes nothing', () => {
    expect(classOf({ status: 'FAILED_APP_TIMEOUT', mapError: 27 })).toBe('internal/app_timeout');
  });
});

describe('compileStatusMap', () => {
  it('overrides and extends the default per status', () => {
    const map = compileStatusMap({ statuses: { failed_app_timeout: 'user/abandoned', VENDOR_BUSY: { outcome: 'internal/overload' } } }, 'v.yaml');
    const c = new Classifier(SPEC_CATALOGUE, map);
    expect(c.classify(dialog({ status: 'FAILED_APP_TIMEOUT' })).cause).toBe('abandoned');
    expect(c.classify(dialog({ status: 'VENDOR_BUSY' })).cause).toBe('overload');
    expect(c.classify(dialog({ status: 'SERVER_OVERLOADED' })).cause).toBe('overload');
  });

  it('base: none replaces the default entirely', () => {
    const map = compileStatusMap({ base: 'none', statuses: { OK: { outcome: 'ok/ok', when_slow: 'internal/slow_response' } } }, 'v.yaml');
    const c = new Classifier(SPEC_CATALOGUE, map);
    expect(c.classify(dialog({ status: 'SUCCESS' })).cls).toBe('unclassified');
    expect(c.classify(dialog({ status: 'ok', appMs: 2500 })).cause).toBe('slow_response');
  });

  const errorOf = (yaml: string) => configErrorOf(yaml, 'vendor.yaml', compileStatusMap);

  it('names file, line, key and the accepted values', () => {
    expect(errorOf('statuses:\n  A: ok/ok\n  B: internal/slowness\n')).toMatch(/^vendor\.yaml:3: statuses\.B: expected class\/cause, one of ok\/ok, .*internal\/slow_response.*; got "internal\/slowness"/);
    expect(errorOf('statuses:\n  A:\n    outcome: ok/ok\n    when_fast: ok/ok\n')).toMatch(/^vendor\.yaml:4: statuses\.A\.when_fast: unknown key; allowed keys here: outcome, when_slow/);
    expect(errorOf('statuses:\n  A:\n    when_slow: ok/ok\n')).toMatch(/^vendor\.yaml:2: statuses\.A\.outcome: missing; this key is required/);
    expect(errorOf('statuses:\n  Ok: ok/ok\n  " OK": internal/overload\n')).toMatch(/^vendor\.yaml:3: statuses\. OK: " OK" and "Ok" are the same status \(matched ignoring case and spaces\); keep one$/);
    expect(errorOf('base: nothing\nstatuses: {}\n')).toMatch(/^vendor\.yaml:1: base: expected one of default, none; got "nothing"/);
    expect(errorOf('statuses:\n  A:\n    outcome: ok/ok\n    map_errors:\n      user/subscriber: [1, x]\n')).toMatch(/^vendor\.yaml:5: statuses\.A\.map_errors\.user\/subscriber\[1\]: expected an integer/);
    expect(errorOf('statuses:\n  A:\n    outcome: ok/ok\n    map_errors:\n      user/subscriber: [1]\n      internal/routing: [1]\n')).toMatch(/map_errors\.internal\/routing\[0\]: MAP error 1 is already mapped to user\/subscriber/);
  });
});
