import { describe, expect, it } from 'vitest';
import { CAUSES, CAUSES_BY_CLASS, CLASSES } from '../src/causes.js';
import { CAUSE_COLOURS, causeColour, CLASS_COLOURS } from '../src/colours.js';

function rgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

function hue(hex: string): number {
  const [r, g, b] = rgb(hex).map((v) => v / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return NaN;
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return (h * 60 + 360) % 360;
}

/** WCAG contrast ratio of two colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const [r, g, bl] = rgb(hex).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Grafana 11-13's panel backgrounds (theme.colors.background.primary).
const BACKGROUNDS = { dark: '#181B1F', light: '#FFFFFF' };

describe('colours', () => {
  it('gives every cause its own colour, distinct from the classes\' and from each other', () => {
    const all = [...CAUSES.filter((c) => c !== 'ok').map((c) => CAUSE_COLOURS[c]), ...CLASSES.map((c) => CLASS_COLOURS[c])];
    expect(new Set(all.map((c) => c.toUpperCase())).size).toBe(all.length);
    expect(CAUSE_COLOURS.ok).toBe(CLASS_COLOURS.ok);
  });

  it('paints internal causes warm, user causes cool, ok green', () => {
    const warm = (h: number) => h <= 50 || h >= 330;
    for (const c of CAUSES_BY_CLASS.internal) expect(warm(hue(CAUSE_COLOURS[c])), c).toBe(true);
    for (const c of CAUSES_BY_CLASS.user) expect(hue(CAUSE_COLOURS[c]), c).toBeGreaterThanOrEqual(170);
    for (const c of CAUSES_BY_CLASS.user) expect(hue(CAUSE_COLOURS[c]), c).toBeLessThanOrEqual(260);
    expect(warm(hue(CLASS_COLOURS.internal))).toBe(true);
    expect(hue(CLASS_COLOURS.user)).toBeGreaterThanOrEqual(170);
    expect(hue(CLASS_COLOURS.ok)).toBeGreaterThanOrEqual(90);
    expect(hue(CLASS_COLOURS.ok)).toBeLessThanOrEqual(150);
  });

  it('reads on the light and the dark theme (contrast of a chart line, 2:1 at least)', () => {
    for (const colour of [...Object.values(CAUSE_COLOURS), ...Object.values(CLASS_COLOURS)]) {
      for (const [theme, bg] of Object.entries(BACKGROUNDS)) expect(contrast(colour, bg), `${colour} on ${theme}`).toBeGreaterThanOrEqual(2);
    }
  });

  it('colours a name that is not a cause as unclassified', () => {
    expect(causeColour('meteor')).toBe(CLASS_COLOURS.unclassified);
  });
});
