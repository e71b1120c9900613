import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  initTf,
  loadModel,
  readModelArtifacts,
  saveModel,
  SeedStream,
  writeModelArtifacts,
} from './index';

jest.setTimeout(60000);

function seeded(seed: number, shape: number[]): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

/** f(x) = sum(w * gather(x, idx)^2): nonlinear, with repeated indices. */
function gatherLoss(x: tf.Tensor, idx: tf.Tensor, w: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(w, tf.square(tf.gather(x, idx)))) as tf.Scalar;
}

function numericGradient(x: tf.Tensor, f: (x: tf.Tensor) => tf.Scalar, eps = 1e-2): Float32Array {
  const base = x.dataSync().slice();
  const grad = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i] += eps;
    const minus = base.slice();
    minus[i] -= eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)).dataSync()[0]);
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)).dataSync()[0]);
    grad[i] = (fp - fm) / (2 * eps);
  }
  return grad;
}

// The cpu backend prints a "use tfjs-node" banner the first time it is used.
beforeAll(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

describe('TensorFlow.js runtime', () => {
  it('starts a backend (tfjs-node if loadable, else wasm) and reports it', async () => {
    const lines: string[] = [];
    const rt = await initTf({ log: (l) => lines.push(l) });
    expect(['tensorflow', 'wasm', 'cpu']).toContain(rt.backend);
    expect(tf.getBackend()).toBe(rt.backend);
    // Here tfjs-node cannot install, so wasm must be the one, loaded from node_modules.
    if (rt.backend === 'wasm') expect(rt.wasmMatMulPatched).toBe(true);
    expect(lines.join('\n')).toContain(`backend ${rt.backend}`);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`GatherV2 gradient (scatterND) matches a numeric gradient on ${backend}`, async () => {
      await initTf({ log: () => undefined });
      await tf.setBackend(backend);
      try {
        tf.tidy(() => {
          const x = seeded(1, [7, 3]);
          const idx = tf.tensor1d([0, 2, 2, 5, 0, 6], 'int32');
          const w = seeded(2, [6, 3]);
          const analytic = tf
            .grad((t: tf.Tensor) => gatherLoss(t, idx, w))(x)
            .dataSync();
          const numeric = numericGradient(x, (t) => gatherLoss(t, idx, w));
          for (let i = 0; i < numeric.length; i++) expect(analytic[i]).toBeCloseTo(numeric[i], 1);
          // Rows 1, 3 and 4 are never gathered: exactly zero.
          for (const row of [1, 3, 4])
            for (let c = 0; c < 3; c++) expect(analytic[row * 3 + c]).toBe(0);
          // 2-D indices (an embedding lookup of a [batch, time] id matrix).
          const ids = tf.tensor2d(
            [
              [0, 2],
              [2, 6],
            ],
            [2, 2],
            'int32',
          );
          const g2 = tf
            .grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)) as tf.Scalar)(x)
            .dataSync();
          expect(Array.from(g2.slice(0, 3))).toEqual([1, 1, 1]);
          expect(Array.from(g2.slice(6, 9))).toEqual([2, 2, 2]);
          expect(Array.from(g2.slice(18, 21))).toEqual([1, 1, 1]);
        });
      } finally {
        await initTf({ log: () => undefined });
        await tf.setBackend((await initTf()).backend);
      }
    });
  }

  it('transposed matMul on wasm gives the same product as on cpu', async () => {
    const rt = await initTf({ log: () => undefined });
    const a = new Float32Array(5 * 4).map((_, i) => Math.sin(i));
    const b = new Float32Array(6 * 4).map((_, i) => Math.cos(i));
    const run = () =>
      tf.tidy(() => {
        const ta = tf.tensor2d(a, [5, 4]);
        const tb = tf.tensor2d(b, [6, 4]);
        return [
          tf.matMul(ta, tb, false, true).dataSync(),
          tf.matMul(ta, ta, true, false).dataSync(),
          tf.matMul(tf.transpose(ta), tb, true, true).dataSync(),
          tf.matMul(tf.reshape(ta, [1, 5, 4]), tf.reshape(tb, [1, 6, 4]), false, true).dataSync(),
          tf.fused
            .matMul({ a: ta, b: tb, transposeB: true, bias: tf.ones([6]), activation: 'relu' })
            .dataSync(),
        ];
      });
    const onBackend = run();
    await tf.setBackend('cpu');
    const onCpu = run();
    await tf.setBackend(rt.backend);
    for (let k = 0; k < onCpu.length; k++) {
      expect(onBackend[k].length).toBe(onCpu[k].length);
      for (let i = 0; i < onCpu[k].length; i++) expect(onBackend[k][i]).toBeCloseTo(onCpu[k][i], 4);
    }
  });

  it('seed streams are repeatable and distinct', () => {
    const a = new SeedStream(42, 'x');
    const b = new SeedStream(42, 'x');
    const c = new SeedStream(42, 'y');
    const sa = [a.next(), a.next(), a.next()];
    expect([b.next(), b.next(), b.next()]).toEqual(sa);
    expect(c.next()).not.toBe(sa[0]);
    expect(new Set(sa).size).toBe(3);
  });

  it('saves a LayersModel to plain artifacts and files, and loads it back with identical outputs', async () => {
    await initTf({ log: () => undefined });
    const input = tf.input({ shape: [4] });
    const hidden = tf.layers
      .dense({
        units: 8,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }),
      })
      .apply(input) as tf.SymbolicTensor;
    const output = tf.layers
      .dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) })
      .apply(hidden) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    const x = tf.tensor2d([
      [1, 2, 3, 4],
      [-1, 0.5, 0, 2],
    ]);
    const before = (model.predict(x) as tf.Tensor).dataSync();

    const artifacts = await saveModel(model, { note: 'round trip' });
    expect(artifacts.weightData.byteLength).toBe((4 * 8 + 8 + 8 * 2 + 2) * 4);
    const fromMemory = await loadModel(artifacts);
    expect(Array.from((fromMemory.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(before));

    const dir = mkdtempSync(path.join(tmpdir(), 'pulse-artifacts-'));
    try {
      await writeModelArtifacts(dir, artifacts);
      const read = await readModelArtifacts(dir);
      expect(read.userDefinedMetadata).toEqual({ note: 'round trip' });
      const fromFiles = await loadModel(read);
      expect(Array.from((fromFiles.predict(x) as tf.Tensor).dataSync())).toEqual(
        Array.from(before),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
