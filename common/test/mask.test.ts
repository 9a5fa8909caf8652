import { describe, expect, it } from 'vitest';
import { maskEmail, maskEmails, maskMsisdn, maskMsisdns } from '../src/mask.js';

describe('maskMsisdn: at most the first 4 and last 3 characters, at least 5 hidden', () => {
  it.each([
    ['213770123456', '2137*****456'],
    [' 213770123456 ', '2137*****456'],
    ['+213770123456', '+2137*****456'],
    ['2137701234567890', '2137*********890'],
    ['0770123456', '07*****456'],
    ['123456789', '1*****789'],
    ['12345678', '*****678'],
    ['123456', '*****6'],
    ['12345', '*****'],
    ['12', '**'],
    ['', ''],
  ])('%j -> %j', (input, masked) => {
    expect(maskMsisdn(input)).toBe(masked);
  });

  it('never shows more than 7 characters of a number, whatever its length', () => {
    for (let n = 1; n <= 20; n++) {
      const masked = maskMsisdn('9'.repeat(n));
      expect(masked).toHaveLength(n);
      expect(masked.replace(/\*/g, '').length).toBeLessThanOrEqual(Math.min(7, Math.max(0, n - 5)));
    }
  });
});

describe('maskMsisdns: every number in a text', () => {
  it('masks numbers whatever surrounds them, and leaves short codes and counts alone', () => {
    expect(maskMsisdns('dialled *123*213770123456# from +213550987654, code *710#, 31%, 12345678')).toBe(
      'dialled *123*2137*****456# from +2135*****654, code *710#, 31%, 12345678',
    );
  });
});

describe('maskEmail: first and last character of the local part, the domain', () => {
  it.each([
    ['noc-billing@djezzy.dz', 'n*********g@djezzy.dz'],
    ['ab@djezzy.dz', '**@djezzy.dz'],
    ['a.b@x.dz', 'a*b@x.dz'],
    ['"odd@name"@x.dz', '"********"@x.dz'],
    ['no-at-sign', 'n********n'],
  ])('%j -> %j', (input, masked) => {
    expect(maskEmail(input)).toBe(masked);
  });
});

describe('maskEmails: every address in a text', () => {
  it('masks addresses a mail server quotes, and leaves the rest of the answer', () => {
    expect(maskEmails('550 5.1.1 <noc-billing@djezzy.dz>: Recipient address rejected; also ab@x.dz, not @here or a@b')).toBe(
      '550 5.1.1 <n*********g@djezzy.dz>: Recipient address rejected; also **@x.dz, not @here or a@b',
    );
  });
});
