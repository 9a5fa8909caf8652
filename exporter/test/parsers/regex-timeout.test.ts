// recheck's analysis limit is wall-clock time: under load a safe vendor pattern could pass it
// and be refused at start-up. A timeout is retried once with a longer limit.
import { checkSync } from 'recheck';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { compileVendorRegex } from '../../src/parsers/regex.js';

vi.mock('recheck', () => ({ checkSync: vi.fn() }));
const check = vi.mocked(checkSync);
const TIMED_OUT = { status: 'unknown', error: { kind: 'timeout' } } as unknown as ReturnType<typeof checkSync>;
const SAFE = { status: 'safe' } as unknown as ReturnType<typeof checkSync>;

beforeEach(() => check.mockReset());

describe('vendor regex analysis under load', () => {
  it('retries a timed-out analysis with a longer limit before deciding', () => {
    check.mockReturnValueOnce(TIMED_OUT).mockReturnValueOnce(SAFE);
    expect(compileVendorRegex(String.raw`^(?<ts>\S+) (?<ussd>\S+) (?<status>\S+)$`)).toBeInstanceOf(RegExp);
    expect(check.mock.calls.map((c) => c[2]?.timeout)).toEqual([10_000, 60_000]);
  });

  it('refuses a pattern whose analysis times out twice, saying why', () => {
    check.mockReturnValue(TIMED_OUT);
    expect(() => compileVendorRegex(String.raw`^(?<ts>[^ ]+) (?<ussd>[^ ]+) (?<status>[^ ]+)$`)).toThrow(/could not be proven to match in linear time \(timeout\)/);
    expect(check).toHaveBeenCalledTimes(2);
  });
});
