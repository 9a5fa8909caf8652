// What a person sees: every page in both themes, screenshots kept as artifacts, and the
// labels that a browser cut short (an ellipsis or clipped text hides a cause or a count).
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** Kept by CI: .run/ is gitignored at the repository root. */
export const ARTIFACTS = fileURLToPath(new URL('../../.run/artifacts/grafana-app/', import.meta.url));
mkdirSync(ARTIFACTS, { recursive: true });

export const THEMES = ['dark', 'light'] as const;
export type Theme = (typeof THEMES)[number];

export const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

/** Waits until no panel of the page is still loading and the fonts are in. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.body.innerText.includes('Loading...'), undefined, { timeout: 30_000 });
  await page.evaluate(() => document.fonts.ready);
}

/**
 * Elements whose own text is cut: wider than their box while the overflow is hidden or
 * ellipsised. Returns "tag: text" for each, empty when every label is whole.
 */
export function truncatedLabels(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const cut: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const ownText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim() !== '');
      if (!ownText || el.clientWidth === 0) continue;
      const style = getComputedStyle(el);
      const clips = style.textOverflow === 'ellipsis' || style.overflowX === 'hidden' || style.overflowX === 'clip';
      if (clips && el.scrollWidth > el.clientWidth + 1) cut.push(`${el.tagName.toLowerCase()}: ${(el.textContent ?? '').trim().slice(0, 80)}`);
    }
    return cut;
  });
}
