// The checks of a rendered study report (docs/report.md): no request, no console error; every section,
// present or replaced by its "missing" line; every plot; every statistic equal to the statistics JSON
// written beside the page; quality, synchrony and counts equal to the study export.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { openPage } from './browser.mjs';

const kSections = ['overview', 'quality', 'trajectories', 'agreement', 'outcomes', 'synchrony', 'methods'];

// A CSV of psyface's export (RFC 4180 quoting) as objects.
export function readCsv(file) {
  const rows = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length)) {
    const cells = [];
    let cur = '', quoted = false;
    for (let i = 0; i < line.length; ++i) {
      const c = line[i];
      if (quoted) {
        if (c === '"' && line[i + 1] === '"') cur += '"', ++i;
        else if (c === '"') quoted = false;
        else cur += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') cells.push(cur), cur = '';
      else cur += c;
    }
    cells.push(cur);
    rows.push(cells);
  }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

// A shown cell against the value it should show: data-v exactly, the text to its 3 significant digits.
function checkNumber(cell, expected, what) {
  assert.ok(cell, `${what}: no cell`);
  if (expected === null || expected === undefined || expected === 'NA' || Number.isNaN(expected)) {
    assert.equal(cell.text, 'NA', `${what}: shows ${cell.text}, expected NA`);
    return;
  }
  const v = Number(expected);
  assert.equal(Number(cell.v), v, `${what}: data-v ${cell.v} != ${v}`);
  const shown = parseFloat(cell.text);
  assert.ok(Math.abs(shown - v) <= 0.005 * Math.abs(v) + 1e-12, `${what}: shows ${cell.text} for ${v}`);
}

function closeTo(cell, csvValue, what) {  // the export has 9 significant digits
  if (csvValue === 'NA' || csvValue === '') return assert.equal(cell.text, 'NA', what);
  const v = Number(csvValue);
  assert.ok(Math.abs(Number(cell.v) - v) <= 1e-8 * Math.max(1, Math.abs(v)), `${what}: ${cell.v} != export ${v}`);
  assert.ok(Math.abs(parseFloat(cell.text) - v) <= 0.005 * Math.abs(v) + 1e-9, `${what}: shows ${cell.text} for ${v}`);
}

// Everything the checks need from the page, read in the browser.
function readPage() {
  const cells = (tr) => Object.fromEntries([...tr.querySelectorAll('[data-col]')].map((c) =>
    [c.dataset.col, { v: c.dataset.v, text: c.textContent }]));
  const rowsOf = (sel) => [...document.querySelectorAll(sel)].map((tr) => ({ ...tr.dataset, cells: cells(tr) }));
  return {
    sections: [...document.querySelectorAll('section')].map((s) => ({
      id: s.id, missing: s.classList.contains('missing'), text: s.querySelector('p.missing')?.textContent || '' })),
    plots: Object.fromEntries([...document.querySelectorAll('figure.plot')].map((f) => [f.dataset.plot, {
      points: f.querySelectorAll('circle.point').length, series: [...f.querySelectorAll('g.series')].map((g) => ({
        name: g.dataset.series, endMark: !!g.querySelector('.end-mark') })),
      estimates: f.querySelectorAll('rect.estimate').length, fit: !!f.querySelector('line.fit') }])),
    stats: rowsOf('tr[data-command]'),
    quality: rowsOf('#quality tr[data-role]'),
    synchrony: rowsOf('#synchrony tr[data-session]'),
    sessions: rowsOf('#overview table.sessions tr[data-session]'),
    counts: rowsOf('#overview table.counts tbody tr')[0]?.cells,
    links: [...document.querySelectorAll('#overview a')].map((a) => a.getAttribute('href')),
    images: document.querySelectorAll('img, script, iframe, object, embed').length,
    methods: document.querySelector('#methods-text')?.textContent || '',
    provenance: document.querySelector('#provenance')?.textContent || '{}',
  };
}

function checkStats(page, dir, command) {
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'report', 'stats', `${command}.json`), 'utf8'));
  let n = 0;
  for (const table of Object.values(json.tables)) {
    const shown = page.stats.filter((r) => r.command === command && r.table === table.name);
    assert.equal(shown.length, table.rows.length, `${command}/${table.name}: ${shown.length} rows shown, JSON has ${table.rows.length}`);
    for (const row of table.rows) {
      const what = `${command}/${table.name}/${row.measure}/${row.target}/${row.part}/${row.statistic}`;
      const tr = shown.find((r) => r.measure === row.measure && r.target === row.target && r.part === row.part &&
                                   r.statistic === row.statistic);
      assert.ok(tr, `${what}: not shown`);
      for (const col of ['estimate', 'ci_low', 'ci_high', 'p', 'p_holm', 'p_bh']) checkNumber(tr.cells[col], row[col], `${what} ${col}`), ++n;
      assert.equal(Number(tr.cells.n.v), row.n, `${what} n`), ++n;
    }
  }
  return { json, n };
}

// opts: { ratings, outcomes: whether the study has them; markupId: a session id made of markup;
//         screenshot: PNG of the first screen ("" = none) }
export async function checkReport(browser, dir, opts) {
  const file = path.join(dir, 'report', 'index.html');
  const { page, requests, problems, loadMs } = await openPage(browser, file);
  try {
    assert.deepEqual(requests, [], 'the report made network requests');
    assert.deepEqual(problems, [], 'console errors, page errors or dialogs');
    const p = await page.evaluate(readPage);
    assert.deepEqual(p.sections.map((s) => s.id), kSections);
    const missing = Object.fromEntries(p.sections.map((s) => [s.id, s]));
    for (const id of ['overview', 'quality', 'trajectories', 'synchrony', 'methods']) assert.ok(!missing[id].missing, `${id} missing`);
    assert.equal(missing.agreement.missing, !opts.ratings);
    assert.equal(missing.outcomes.missing, !opts.outcomes);
    if (!opts.ratings) assert.match(missing.agreement.text, /psyface stats import ratings --study .* ratings\.csv/);
    if (!opts.outcomes) assert.match(missing.outcomes.text, /psyface stats import outcomes --study .* outcomes\.csv/);
    let numbers = 0;
    // plots
    const primary = JSON.parse(p.provenance).primary_measures.measures;
    assert.ok(primary.length > 0);
    const patients = new Set(readCsv(path.join(dir, 'export', 'sessions.csv')).filter((r) => r.role === 'patient').map((r) => r.patient_id));
    for (const m of primary) {
      const t = p.plots[`trajectory-${m}`];
      assert.ok(t, `plot trajectory-${m} missing`);
      assert.equal(t.series.length, patients.size, `trajectory-${m}: one line per patient`);
      if (opts.outcomes)
        for (const s of t.series) assert.equal(s.endMark, ['P04', 'P05'].includes(s.name), `${m}: dropout mark of ${s.name}`);
    }
    assert.ok(p.plots.synchrony, 'plot synchrony missing');
    if (opts.ratings) {
      const { json, n } = checkStats(p, dir, 'agreement');
      numbers += n;
      for (const m of json.measure_set.measures) {
        const s = p.plots[`agreement-${m}`];
        assert.ok(s, `plot agreement-${m} missing`);
        assert.equal(s.points, json.inputs.matched_segments, `agreement-${m}: one point per matched rated segment`);
        assert.ok(s.fit, `agreement-${m}: no regression line`);
      }
      assert.match(p.methods, /Cohen's kappa/);
    }
    if (opts.outcomes) {
      const { json, n } = checkStats(p, dir, 'outcomes');
      numbers += n;
      const g = Object.values(json.tables).filter((t) => ['median_split', 'dropout'].includes(t.name))
        .flatMap((t) => t.rows).filter((r) => r.statistic === 'hedges_g' && r.estimate !== null);
      assert.ok(p.plots.forest, 'forest plot missing');
      assert.equal(p.plots.forest.estimates, g.length, 'forest: one square per finite Hedges g');
      assert.match(p.methods, /Holm/);
    }
    // quality and synchrony against the study export
    const exp = readCsv(path.join(dir, 'export', 'sessions.csv'));
    assert.equal(p.quality.length, exp.length, 'one quality row per session x role of the export');
    for (const r of exp) {
      const q = p.quality.find((x) => x.session === r.session_id && x.role === r.role);
      assert.ok(q, `quality row ${r.session_id}/${r.role}`);
      for (const col of ['valid_share', 'mean_confidence', 'analysed_fps']) closeTo(q.cells[col], r[col], `quality ${r.session_id}/${r.role} ${col}`), ++numbers;
      assert.equal(q.cells.frames_analysed.v, r.frames_analysed), ++numbers;
      if (r.role !== 'patient') continue;
      const s = p.synchrony.find((x) => x.session === r.session_id);
      if (s) closeTo(s.cells.synchrony_smile, r.synchrony_smile, `synchrony ${r.session_id}`), ++numbers;
    }
    assert.ok(p.synchrony.some((s) => s.cells.synchrony_smile.text !== 'NA'), 'no session with a synchrony value');
    const seen = (id, role) => exp.some((r) => r.session_id === id && r.role === role && Number(r.frames_valid) > 0);
    const both = [...new Set(exp.map((r) => r.session_id))].filter((id) => seen(id, 'patient') && seen(id, 'therapist'));
    assert.deepEqual(p.synchrony.map((s) => s.session).sort(), both.sort(), 'synchrony rows: the sessions with both faces seen');
    const info = readCsv(path.join(dir, 'export', 'session_info.csv'));
    const count = (st) => info.filter((r) => r.status === st).length;
    for (const st of ['done', 'failed', 'pending']) assert.equal(Number(p.counts[st].v), count(st), `count ${st}`), ++numbers;
    assert.equal(p.links.length, count('done'), 'one session page link per done session');
    const failed = p.sessions.find((s) => s.cells.status.text === 'failed');
    assert.ok(failed && failed.cells.detail.text.length > 0, 'a failed session shows its reason');
    // the id made of markup is shown as text, never interpreted
    assert.equal(p.images, 0, 'markup from a session id became an element');
    const marked = p.sessions.find((s) => s.session === opts.markupId);
    assert.ok(marked && marked.cells.session_id.text === opts.markupId, 'the markup session id is not shown as text');
    assert.match(p.methods, /psyface \d+\.\d+\.\d+/);
    assert.match(p.methods, /SHA-256 [0-9a-f]{12}/);
    assert.match(p.methods, /MIT licence/);
    if (opts.screenshot) await page.screenshot({ path: opts.screenshot });
    return { numbers, plots: Object.keys(p.plots).length, loadMs, bytes: fs.statSync(file).size };
  } finally {
    await page.close();
  }
}
