// The checks of a study's session pages in the browser (docs/report.md, "Session pages in a study" and "The
// session viewer"): every session link of the index names an existing page; a page makes no request but for
// its own video file(s) and logs no error; its plots are there with a cursor each; a click on a plot seeks
// the video to the time under the pointer; playing and seeking move the cursor; a second camera follows the
// first with its offset; a video whose name needs percent-encoding loads.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage } from './browser.mjs';

// The index's links to session pages, each resolved against the index's folder.
export async function checkSessionLinks(browser, dir) {
  const index = path.join(dir, 'report', 'index.html');
  const { page, problems } = await openPage(browser, index);
  const hrefs = await page.evaluate(() => [...document.querySelectorAll('a[href^="sessions/"]')].map((a) => a.getAttribute('href')));
  await page.close();
  assert.deepEqual(problems, []);
  const files = hrefs.map((h) => path.join(dir, 'report', decodeURIComponent(h)));
  for (const f of files) assert.ok(fs.existsSync(f), `index links to ${f}, which does not exist`);
  const onDisk = fs.readdirSync(path.join(dir, 'report', 'sessions')).filter((n) => n.endsWith('.html'));
  assert.equal(onDisk.length, new Set(files).size, `pages on disk ${onDisk} != linked ${hrefs}`);
  return files;
}

// Opens a session page; fails on a console error or a request other than the files in `videos`.
async function openSessionPage(browser, file, videos) {
  const opened = await openPage(browser, file);
  const { page } = opened;
  await page.waitForFunction((n) => [...document.querySelectorAll('video.camera')].filter((v) => v.readyState >= 1).length === n,
                             videos.length, { timeout: 20000 });
  const allowed = new Set(videos.map((v) => path.resolve(v)));
  const other = opened.requests.filter((u) => !(u.startsWith('file:') && allowed.has(fileURLToPath(u))));
  assert.deepEqual(other, [], `${file}: requests other than its video`);
  assert.deepEqual(opened.problems, [], `${file}: console errors`);
  return opened;
}

// The cursor's x (SVG user units) in every plot, and where time t should put it.
const cursors = (page) => page.evaluate(() => [...document.querySelectorAll('figure.plot svg[data-end-sec]')].map((svg) => ({
  x: Number(svg.querySelector('line.cursor').getAttribute('x1')), visible: svg.querySelector('line.cursor').getAttribute('visibility'),
  x0: Number(svg.dataset.x0), x1: Number(svg.dataset.x1), end: Number(svg.dataset.endSec) })));
const expectedX = (c, t) => c.x0 + (t / c.end) * (c.x1 - c.x0);

async function seek(page, t, index = 0) {
  await page.evaluate(([time, i]) => new Promise((resolve) => {
    const v = document.querySelectorAll('video.camera')[i];
    v.addEventListener('seeked', resolve, { once: true });
    v.currentTime = time;
  }), [t, index]);
}

// A single-camera page: plots and cursors, click-to-seek, seek and play move the cursor.
export async function checkViewer(browser, file, video) {
  const { page } = await openSessionPage(browser, file, [video]);
  const plots = await cursors(page);
  assert.ok(plots.length >= 2, `${file}: ${plots.length} time-course plots`);
  assert.equal(await page.locator('figure.plot svg line.cursor').count(), plots.length, 'one cursor per plot');
  // click at 60 % of the last plot's x range; the tolerance is what one CSS pixel spans in time (+ 10 ms)
  const target = await page.evaluate(() => {
    const svgs = document.querySelectorAll('figure.plot svg[data-end-sec]');
    const svg = svgs[svgs.length - 1];
    svg.scrollIntoView({ block: 'end' });
    const r = svg.getBoundingClientRect(), scale = r.width / svg.viewBox.baseVal.width;
    const x0 = Number(svg.dataset.x0), x1 = Number(svg.dataset.x1), end = Number(svg.dataset.endSec);
    const clientX = r.left + (x0 + 0.6 * (x1 - x0)) * scale, clientY = r.top + r.height / 2;
    const hit = document.elementFromPoint(clientX, clientY);
    return { clientX, clientY, inPlot: svg.contains(hit), t: 0.6 * end, secPerPx: end / ((x1 - x0) * scale),
             duration: document.querySelector('video.camera').duration };
  });
  assert.ok(target.inPlot, `${file}: the point to click is covered (sticky player?)`);
  await page.mouse.click(target.clientX, target.clientY);
  const want = Math.min(target.t, target.duration), tol = target.secPerPx + 0.01;
  const now = await page.evaluate(() => document.querySelector('video.camera').currentTime);
  assert.ok(Math.abs(now - want) <= tol, `${file}: click at ${want.toFixed(3)} s (±${tol.toFixed(3)}) left the video at ${now}`);
  for (const c of await cursors(page)) assert.ok(Math.abs(c.x - expectedX(c, now)) < 0.05 && c.visible === 'visible', `cursor after the click: ${JSON.stringify(c)}`);
  // seek, then play: the cursor is where the video is, and moves with it
  await seek(page, 0.5);
  for (const c of await cursors(page)) assert.ok(Math.abs(c.x - expectedX(c, 0.5)) < 0.05, `cursor after seeking to 0.5 s: ${c.x}`);
  await page.evaluate(() => { const v = document.querySelector('video.camera'); v.muted = true; return v.play(); });
  await page.waitForTimeout(800);
  const [played, moved] = await Promise.all([
    page.evaluate(() => { const v = document.querySelector('video.camera'); v.pause(); return v.currentTime; }), cursors(page)]);
  assert.ok(played > 0.7, `${file}: the video did not play (${played} s)`);
  for (const c of moved) assert.ok(c.x > expectedX(c, 0.5) + 0.1, `the cursor did not move while playing: ${c.x}`);
  await page.close();
  return { clickedSec: want, reachedSec: now, toleranceSec: tol, playedSec: played };
}

// A two-camera page: the second video follows the first at (first's time - offset).
export async function checkTwoCameras(browser, file, videos, offsetSec) {
  const { page } = await openSessionPage(browser, file, videos);
  assert.equal(await page.locator('video.camera').count(), 2);
  await seek(page, 10);
  await page.waitForTimeout(300);
  const second = () => page.evaluate(() => [...document.querySelectorAll('video.camera')].map((v) => v.currentTime));
  let [a, b] = await second();
  assert.ok(Math.abs(b - (a - offsetSec)) < 0.05, `after seeking the first to ${a}: second at ${b}, offset ${offsetSec}`);
  await page.evaluate(() => { const v = document.querySelector('video.camera'); v.muted = true; return v.play(); });
  await page.waitForTimeout(1200);
  [a, b] = await second();
  await page.evaluate(() => document.querySelector('video.camera').pause());
  assert.ok(a > 10.8, `the first did not play: ${a}`);
  assert.ok(Math.abs(b - (a - offsetSec)) < 0.35, `playing: first ${a}, second ${b}, offset ${offsetSec}`);
  await page.close();
  return { first: a, second: b };
}

// A page whose video could not be reached: one line, no player, the plots.
export async function checkNoVideo(browser, file) {
  const { page, requests, problems } = await openPage(browser, file);
  assert.deepEqual(requests, []);
  assert.deepEqual(problems, []);
  assert.equal(await page.locator('video').count(), 0);
  assert.equal(await page.locator('p.no-video').count(), 1);
  assert.ok(await page.locator('figure.plot svg').count() >= 2);
  await page.close();
}
