// HTML to PDF with Debian's Chromium (the one the app's browser tests drive), headless and
// kept off the network: the page carries everything it shows, charts included.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.USSDWATCH_CHROMIUM ?? '/usr/bin/chromium';

export async function htmlToPdf(html: string, footer: string): Promise<Buffer> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    // Nothing may be fetched: a report that needs the network would print differently offline.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:8px;width:100%;text-align:center;color:#666">${footer.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)} · <span class="pageNumber"></span>/<span class="totalPages"></span></div>`,
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
  } finally {
    await browser.close();
  }
}
