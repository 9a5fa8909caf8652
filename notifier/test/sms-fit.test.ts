import { describe, expect, it } from 'vitest';
import { fitSms, gsm7Units } from '../src/sms-fit.js';

describe('fitSms', () => {
  it('keeps a GSM-7 text of exactly 160 characters whole', () => {
    const s = fitSms('A'.repeat(160));
    expect(s).toMatchObject({ encoding: 'gsm7', units: 160, truncated: false });
  });

  it('counts GSM-7 extension characters twice and truncates to 160 septets', () => {
    expect(gsm7Units('[€]')).toBe(6);
    const s = fitSms('€'.repeat(100));
    expect(s.encoding).toBe('gsm7');
    expect(s.truncated).toBe(true);
    expect(gsm7Units(s.text)).toBeLessThanOrEqual(160);
    expect(s.text.endsWith('...')).toBe(true);
  });

  it('switches to UCS-2 for Arabic and for accents outside GSM-7, within 70 units', () => {
    expect(fitSms('Service indisponible: réessayez').encoding).toBe('gsm7'); // é is GSM-7
    const fr = fitSms('Échec côté opérateur: '.repeat(5)); // ô and ê are not
    expect(fr.encoding).toBe('ucs2');
    expect(fr.text.length).toBeLessThanOrEqual(70);
    const ar = fitSms('عطل في الخدمة *710# '.repeat(6));
    expect(ar).toMatchObject({ encoding: 'ucs2', truncated: true });
    expect(ar.text.length).toBe(70);
    expect(ar.text.endsWith('…')).toBe(true);
  });

  it('never splits a surrogate pair when truncating', () => {
    const s = fitSms('⚠'.repeat(10) + '😀'.repeat(40));
    expect(s.text.length).toBeLessThanOrEqual(70);
    expect(s.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('folds whitespace so newlines do not waste characters', () => {
    expect(fitSms('a\n\n  b ').text).toBe('a b');
  });
});
