// End-to-end test of `psyface report DIR` (docs/report.md): builds a small study from short cuts of the dev
// videos (../shared/data/videos), reports it before ratings and outcomes exist (those sections must say what
// is missing and which command provides it) and after importing generated ratings and outcomes, renders
// each report in headless Chromium and fails on any console error, network request or dialog, on a
// missing section or plot, or on a shown number that differs from the statistics JSON / study export; then
// checks the session pages the index links to (session_page_checks.mjs): the viewer's click-to-seek and
// cursor, the two-camera sync (offset 2 s) and a video whose file name needs percent-encoding.
//
// usage: node tests/report/study_report_test.mjs PSYFACE_BIN SOURCE_DIR [--screenshot FILE.png] [--keep]
// exit: 0 passed, 1 failed, 77 skipped (no chromium, dev videos or models).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromiumMissing, launch, openPage } from './browser.mjs';
import { checkReport } from './report_checks.mjs';
import { checkSessionLinks, checkTwoCameras, checkViewer } from './session_page_checks.mjs';

const [bin, source] = process.argv.slice(2, 4);
const screenshot = process.argv.includes('--screenshot') ? process.argv[process.argv.indexOf('--screenshot') + 1] : '';
const keep = process.argv.includes('--keep');
const videos = path.join(source, '..', 'shared', 'data', 'videos');
const skip = (why) => { console.log(`SKIP: ${why}`); process.exit(77); };
if (chromiumMissing()) skip('chromium not installed (/usr/bin/chromium; scripts/apt-packages.txt)');
if (!fs.existsSync(path.join(videos, 'fer_woman2.mp4'))) skip(`no dev videos in ${videos}`);
if (!fs.existsSync(path.join(source, 'models', 'facemesh', 'model.onnx'))) skip('models not built');

export const kMarkupId = '<img src=x onerror=alert(1)>';
export const kHostileVideo = 'p05 s1 #1?%20\u00e9.mp4';  // space, '#', '?', '%' and non-ASCII in a src attribute
export const kOffsetSec = 2;  // P03-S2: therapist time + 2 s = patient time
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psyface-report-test-'));
const dir = path.join(tmp, 'study');

function psyface(args, okCodes = [0]) {
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (!okCodes.includes(r.status)) throw new Error(`psyface ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r;
}

function ffmpeg(args) {
  execFileSync('ffmpeg', ['-nostdin', '-loglevel', 'error', '-y', ...args]);
}

// Short cuts (320 px wide, so the analysis is quick) and a 44 s two-camera pair (synchrony needs >= 40 s).
function makeStudy() {
  fs.mkdirSync(path.join(dir, 'videos'), { recursive: true });
  const v = (name) => path.join(videos, name);
  const out = (name) => path.join(dir, 'videos', name);
  const enc = ['-an', '-vf', 'scale=320:-2', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10'];
  const cut = (src, start, len, name) => ffmpeg(['-ss', String(start), '-t', String(len), '-i', v(src), ...enc, out(name)]);
  cut('fer_woman2.mp4', 0, 4, 'p01_s1.mp4');
  cut('fer_woman2.mp4', 5, 4, 'p01_s2.mp4');
  cut('fer_woman2.mp4', 10, 4, 'p01_s3.mp4');
  cut('pyfeat_WolfgangLanger_Pexels.mp4', 1, 4, 'p02_s1.mp4');
  cut('pyfeat_WolfgangLanger_Pexels.mp4', 13, 4, 'p02_s2.mp4');
  cut('faceswap_test_video_03-2_faces.mp4', 0, 3, 'p03_s1.mp4');
  cut('fer_woman2.mp4', 2, 4, 'p04_s1.mp4');
  cut('pyfeat_WolfgangLanger_Pexels.mp4', 8, 4, kHostileVideo);
  for (const [src, name] of [['fer_woman2.mp4', 'p03_s2_patient.mp4'], ['pyfeat_WolfgangLanger_Pexels.mp4', 'p03_s2_therapist.mp4']])
    ffmpeg(['-stream_loop', '3', '-i', v(src), '-t', '44', ...enc, out(name)]);
  fs.writeFileSync(out('notes.mp4'), 'session notes, not a video\n');
  fs.writeFileSync(path.join(dir, 'sessions.csv'), [
    'session_id,patient_id,therapist_id,session_number,date,video,layout,patient,therapist_video,offset_sec',
    'P01-S1,P01,T1,1,2024-01-08,videos/p01_s1.mp4,single,,,',
    'P01-S2,P01,T1,2,2024-01-15,videos/p01_s2.mp4,single,,,',
    'P01-S3,P01,T1,3,2024-01-22,videos/p01_s3.mp4,single,,,',
    'P02-S1,P02,T2,1,2024-01-09,videos/p02_s1.mp4,single,,,',
    'P02-S2,P02,T2,2,2024-01-16,videos/p02_s2.mp4,single,,,',
    'P03-S1,P03,T2,1,2024-01-10,videos/p03_s1.mp4,split,left,,',
    `P03-S2,P03,T2,2,2024-01-17,videos/p03_s2_patient.mp4,,,videos/p03_s2_therapist.mp4,${kOffsetSec}`,
    `${kMarkupId},P04,T1,1,2024-01-11,videos/p04_s1.mp4,single,,,`,
    `P05-S1,P05,T1,1,2024-01-12,videos/${kHostileVideo},single,,,`,
    'P06-S1,P06,T2,1,2024-01-13,videos/notes.mp4,,,,',
  ].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'study.conf'), 'synchrony_surrogates = 20\n');
}

// Two raters, two 2-s segments per analysed session; scores from a fixed pseudo-random sequence.
function writeRatings() {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const emotions = ['joy', 'sadness', 'anger', 'fear', 'surprise', 'disgust', ''];
  const rows = ['session_id,start,end,rater,ceas_mode,ceas_peak,primary_emotion'];
  const ids = ['P01-S1', 'P01-S2', 'P01-S3', 'P02-S1', 'P02-S2', 'P03-S1', kMarkupId, 'P05-S1'];
  for (const id of ids)
    for (const [start, end] of [[0, 2], [2, 4]]) {
      const mode = 1 + Math.floor(next() * 6);
      const emotion = emotions[Math.floor(next() * emotions.length)];
      for (const [rater, shift] of [['R1', 0], ['R2', next() < 0.5 ? 0 : 1]]) {
        const m = Math.min(7, mode + shift);
        rows.push(`${id},${start},${end},${rater},${m},${Math.min(7, m + (next() < 0.5 ? 0 : 1))},${emotion}`);
      }
    }
  fs.writeFileSync(path.join(dir, 'ratings.csv'), rows.join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'outcomes.csv'), [
    'patient_id,pre,post,dropout', 'P01,30,12,0', 'P02,28,25,0', 'P03,35,20,0', 'P04,31,29,1', 'P05,26,24,1', 'P06,33,,1',
  ].join('\n') + '\n');
}

async function main() {
  makeStudy();
  const early = psyface(['report', dir], [3]);  // no study database yet: an input error naming the command
  assert.match(early.stderr, /psyface: error: .*no study database .*run psyface study run/);
  psyface(['study', 'run', dir, '--fps', '3', '--quiet'], [0, 1]);  // P06-S1 is no video: exit 1
  psyface(['study', 'export', dir]);
  const { browser, close } = await launch();
  try {
    // 1. no ratings, no outcomes: the report shows what it can and says what is missing
    psyface(['report', dir]);
    await checkReport(browser, dir, { ratings: false, outcomes: false, markupId: kMarkupId });
    console.log('ok: report without ratings and outcomes');
    // 2. with ratings and outcomes
    writeRatings();
    psyface(['stats', 'import', 'ratings', '--study', dir, path.join(dir, 'ratings.csv')]);
    psyface(['stats', 'import', 'outcomes', '--study', dir, path.join(dir, 'outcomes.csv'), '--lower-is-better']);
    psyface(['report', dir]);
    psyface(['study', 'export', dir]);
    for (const cmd of ['agreement', 'outcomes']) {  // the report's statistics are psyface stats --study's
      psyface(['stats', cmd, '--study', dir, '--out', path.join(dir, 'stats-cli'), '--quiet']);
      const cli = JSON.parse(fs.readFileSync(path.join(dir, 'stats-cli', `${cmd}.json`), 'utf8'));
      const rep = JSON.parse(fs.readFileSync(path.join(dir, 'report', 'stats', `${cmd}.json`), 'utf8'));
      assert.deepEqual(rep.tables, cli.tables, `${cmd}: report tables differ from psyface stats ${cmd} --study`);
      assert.deepEqual(rep.measure_set, cli.measure_set);
    }
    const shown = await checkReport(browser, dir, { ratings: true, outcomes: true, markupId: kMarkupId, screenshot });
    console.log(`ok: full report: ${shown.numbers} numbers checked against the statistics JSON and the export, ` +
                `${shown.plots} plots, load ${shown.loadMs.toFixed(0)} ms, ${(shown.bytes / 1024).toFixed(0)} KB`);
    // 3. the session pages: links, viewer, two cameras, a file name that needs percent-encoding
    const pages = await checkSessionLinks(browser, dir);
    assert.equal(pages.length, 9, `${pages.length} session pages linked (9 sessions analysed)`);
    const sessionPage = (id) => path.join(dir, 'report', 'sessions', `${id}.html`);
    const video = (name) => path.join(dir, 'videos', name);
    const single = await checkViewer(browser, sessionPage('P01-S1'), video('p01_s1.mp4'));
    console.log(`ok: session page P01-S1: click at ${single.clickedSec.toFixed(3)} s -> video at ${single.reachedSec.toFixed(3)} s ` +
                `(tolerance ${single.toleranceSec.toFixed(3)} s), cursor follows seeking and playing`);
    const hostile = await checkViewer(browser, sessionPage('P05-S1'), video(kHostileVideo));
    console.log(`ok: session page P05-S1 plays '${kHostileVideo}' (click -> ${hostile.reachedSec.toFixed(3)} s)`);
    const two = await checkTwoCameras(browser, sessionPage('P03-S2'), [video('p03_s2_patient.mp4'), video('p03_s2_therapist.mp4')], kOffsetSec);
    console.log(`ok: session page P03-S2: playing, first camera at ${two.first.toFixed(2)} s, second at ${two.second.toFixed(2)} s (offset ${kOffsetSec} s)`);
  } finally {
    await close();
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

main().catch((e) => { console.error(`FAIL: ${e.stack || e}`); process.exit(1); });
