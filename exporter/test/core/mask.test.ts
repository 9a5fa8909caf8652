import { describe, expect, it } from 'vitest';
import { maskMsisdn } from '../../src/core/mask.js';

describe('maskMsisdn', () => {
  it.each([
    ['213770123456', '21377****456'],
    [' 213770123456 ', '21377****456'],
    ['0770123456', '07701**456'],
    ['123456789', '12345*789'],
    ['12345678', '******78'],
    ['1234', '***4'],
    ['12', '**'],
    ['', ''],
  ])('%j -> %j', (input, masked) => {
    expect(maskMsisdn(input)).toBe(masked);
  });
});
