import { describe, expect, it } from 'vitest';
import { Classifier } from '../../src/core/classifier.js';
import { compileStatusMap, defaultStatusMap } from '../../src/config/status-map-file.js';
import { dialog, SPEC_CATALOGUE } from './fixtures.js';

const classifier = new Classifier(SPEC_CATALOGUE, defaultStatusMap());

describe('Classifier.classify', () => {
  it('fills short and near codes as classification.md says', () => {
    expect(classifier.classify(dialog({ ussd: '*720*1*3#' }))).toEqual({ cls: 'ok', cause: 'ok', shortCode: '*720*1#', nearCode: null });
    expect(classifier.classify(dialog({ ussd: '*719#', status: 'NO_ROUTING_RULE' }))).toEqual({ cls: 'user', cause: 'wrong_code', shortCode: 'unknown', nearCode: '*710#' });
    expect(classifier.classify(dialog({ ussd: '*999#', status: 'NO_ROUTING_RULE' }))).toEqual({ cls: 'user', cause: 'wrong_code', shortCode: 'unknown', nearCode: 'none' });
    expect(classifier.classify(dialog({ ussd: '*999#', status: 'FAILED_APP_TIMEOUT' }))).toEqual({ cls: 'internal', cause: 'app_timeout', shortCode: 'unknown', nearCode: null });
  });

  it('unknown codes use the default 3000 ms slow threshold', () => {
    expect(classifier.classify(dialog({ ussd: '*999#', appMs: 3000 })).cause).toBe('ok');
    expect(classifier.classify(dialog({ ussd: '*999#', appMs: 3001 })).cause).toBe('slow_response');
  });

  it('returns interned, frozen objects', () => {
    const a = classifier.classify(dialog({ ussd: '*710*5#' }));
    const b = classifier.classify(dialog({ ussd: '*710#', session: 'other' }));
    expect(a).toBe(b);
    expect(Object.isFrozen(a)).toBe(true);
    expect(classifier.classify(dialog({ ussd: '*719#', status: 'NO_ROUTING_RULE' }))).toBe(classifier.classify(dialog({ ussd: '*71#', status: 'no_routing_rule' })));
  });
});

describe('Classifier.explain', () => {
  const explain = (over: Parameters<typeof dialog>[0]) => {
    const d = dialog(over);
    return classifier.explain(d, classifier.classify(d));
  };

  it('gives the human reason', () => {
    expect(explain({ status: 'FAILED_APP_TIMEOUT' })).toBe('status FAILED_APP_TIMEOUT: the application did not answer');
    expect(explain({ appMs: 3400 })).toBe('SUCCESS but app response 3400 ms > slow threshold 2000 ms for *710#');
    expect(explain({ status: 'NO_ROUTING_RULE', ussd: '*719#' })).toBe('NO_ROUTING_RULE for *719#, not in the catalogue (one edit from *710#)');
    expect(explain({ status: 'NO_ROUTING_RULE', ussd: '*999#' })).toBe('NO_ROUTING_RULE for *999#, not in the catalogue (not one edit from any code)');
    expect(explain({ status: 'NO_ROUTING_RULE', ussd: '*720#' })).toBe('status NO_ROUTING_RULE: the gateway has no route for a code that exists');
    expect(explain({ status: 'FAILED_MAP_ERROR_COMPONENT', mapError: 27 })).toBe("status FAILED_MAP_ERROR_COMPONENT with map_error 27: the subscriber's line does not allow it");
    expect(explain({ status: 'WEIRD' })).toBe('status "WEIRD" is not in the status map, so it is counted as unclassified/unknown_status');
  });
});

describe('Classifier.outcomesFor', () => {
  const names = (code: string, c = classifier) => c.outcomesFor(code).map((o) => `${o.cls}/${o.cause}`);

  it('a catalogued code: everything but wrong_code', () => {
    expect(names('*710#')).toEqual([
      'ok/ok',
      'user/invalid_input',
      'user/abandoned',
      'user/subscriber',
      'internal/slow_response',
      'internal/routing',
      'internal/app_timeout',
      'internal/network_timeout',
      'internal/system_failure',
      'internal/connector',
      'internal/overload',
      'unclassified/unknown_status',
    ]);
  });

  it('unknown: wrong_code, never routing', () => {
    const u = names('unknown');
    expect(u).toContain('user/wrong_code');
    expect(u).not.toContain('internal/routing');
    expect(u).toContain('internal/slow_response');
    expect(u).toHaveLength(12);
  });

  it('follows the status map it was given', () => {
    const vendor = new Classifier(SPEC_CATALOGUE, compileStatusMap({ base: 'none', statuses: { OK: 'ok/ok' } }, 'v.yaml'));
    expect(names('*710#', vendor)).toEqual(['ok/ok', 'unclassified/unknown_status']);
  });
});
