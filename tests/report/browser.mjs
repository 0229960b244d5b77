// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core) for the report tests and
// the report benchmark: opens a local page and records every request other than the page itself, every
// console error, page error and dialog, and the load time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

export const kChromium = process.env.PSYFACE_CHROMIUM || '/usr/bin/chromium';

export function chromiumMissing() {
  return !fs.existsSync(kChromium);
}

// A fresh browser with its own profile folder (--user-data-dir, which playwright passes for a persistent
// context); close() removes it. `browser` is the context pages are opened in.
export async function launch() {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'psyface-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: kChromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    browser,
    async close() {
      await browser.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Opens `file` in a new page of `browser` and waits for its load event.
// Returns { page, url, requests: [urls other than the page], problems: [console errors, page errors,
// dialogs], loadMs: navigation start to load event end, as the browser measured it }.
export async function openPage(browser, file, viewport = { width: 1280, height: 900 }) {
  const page = await browser.newPage();
  await page.setViewportSize(viewport);
  const url = pathToFileURL(path.resolve(file)).href;
  const requests = [];
  const problems = [];
  page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', async (d) => { problems.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(url, { waitUntil: 'load', timeout: 60000 });
  const loadMs = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0];
    return n.loadEventEnd - n.startTime;
  });
  return { page, url, requests, problems, loadMs };
}
