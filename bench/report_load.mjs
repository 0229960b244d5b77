// bench/report_load.mjs: load time of a report page in headless Chromium (the browser of the report tests:
// tests/report/browser.mjs), median and worst of several fresh loads, and the page's size.
//   node bench/report_load.mjs DIR/report/index.html [--runs 5]
// Prints figures; never fails on speed (exit 1 only when the page logs an error or makes a request other
// than for a local video file, which a session page's player loads).
import fs from 'node:fs';
import { launch, openPage } from '../tests/report/browser.mjs';

const file = process.argv[2];
const runs = process.argv.includes('--runs') ? Number(process.argv[process.argv.indexOf('--runs') + 1]) : 5;
const { browser, close } = await launch();
const load = [], paint = [];
let bad = false;
try {
  for (let i = 0; i < runs; ++i) {
    const t0 = performance.now();
    const { page, requests, problems, loadMs } = await openPage(browser, file);
    const wall = performance.now() - t0;
    const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
    const other = requests.filter((u) => !/^file:.*\.(mp4|mov|mkv|avi|webm)$/i.test(u));  // a session page's own video
    if (other.length || problems.length) bad = true, console.log('requests', other, 'problems', problems);
    load.push(loadMs), paint.push(fcp);
    if (i === 0) console.log(`first load: load event ${loadMs.toFixed(0)} ms, first paint ${fcp.toFixed(0)} ms, goto() ${wall.toFixed(0)} ms`);
    await page.close();
  }
} finally {
  await close();
}
const median = (v) => { const f = v.filter(Number.isFinite).sort((a, b) => a - b); return f.length ? f[Math.floor(f.length / 2)] : NaN; };
console.log(`${file}: ${(fs.statSync(file).size / 1048576).toFixed(2)} MB; ${runs} loads: load event median ` +
            `${median(load).toFixed(0)} ms, worst ${Math.max(...load).toFixed(0)} ms; first contentful paint median ` +
            `${median(paint).toFixed(0)} ms`);
process.exit(bad ? 1 : 0);
