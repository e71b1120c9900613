import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { registerGatherGradient } from './gather-gradient';
import { patchWasmTransposedMatMul } from './wasm-matmul';

export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface InitTfOptions {
  /**
   * 'auto' (default) tries the native binding (@tensorflow/tfjs-node, an
   * optional dependency), then wasm, then cpu. A name forces that backend
   * (and fails if it cannot start). PULSE_TF_BACKEND overrides 'auto'.
   */
  readonly backend?: 'auto' | TfBackendName;
  /** Where to log the choice; default console.error (stderr keeps stdout clean for reports). */
  readonly log?: (line: string) => void;
}

export interface TfRuntime {
  readonly tf: typeof tf;
  readonly backend: TfBackendName;
  /** Why each better backend was passed over, in order tried. */
  readonly skipped: readonly string[];
  /** True when the wasm BatchMatMul transpose fix is in place. */
  readonly wasmMatMulPatched: boolean;
  readonly wasmSimd?: boolean;
  readonly tfVersion: string;
}

let current: Promise<TfRuntime> | undefined;
let currentKey = '';

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0].slice(0, 200);
}

/** Directory of the .wasm binaries shipped inside the npm package (no download at run time). */
export function wasmBinaryDirectory(): string {
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

async function tryNative(skipped: string[]): Promise<boolean> {
  try {
    // Optional dependency: absent, or present without its native library
    // (its install script downloads libtensorflow, which fails offline).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('@tensorflow/tfjs-node');
  } catch (e) {
    skipped.push(`tensorflow: @tensorflow/tfjs-node not loadable (${errorText(e)})`);
    return false;
  }
  if (!tf.findBackendFactory('tensorflow')) {
    skipped.push('tensorflow: tfjs-node loaded but registered on another @tensorflow/tfjs copy');
    return false;
  }
  if (!(await tf.setBackend('tensorflow'))) {
    skipped.push('tensorflow: backend failed to initialise');
    return false;
  }
  return true;
}

async function tryWasm(skipped: string[]): Promise<boolean> {
  try {
    type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const wasm = require('@tensorflow/tfjs-backend-wasm') as WasmModule;
    wasm.setWasmPaths(wasmBinaryDirectory());
  } catch (e) {
    skipped.push(`wasm: @tensorflow/tfjs-backend-wasm not loadable (${errorText(e)})`);
    return false;
  }
  let ok = false;
  try {
    ok = await tf.setBackend('wasm');
  } catch (e) {
    skipped.push(`wasm: ${errorText(e)}`);
    return false;
  }
  if (!ok) skipped.push('wasm: backend failed to initialise');
  return ok;
}

async function start(options: InitTfOptions): Promise<TfRuntime> {
  const log = options.log ?? ((line: string) => console.error(line));
  const envChoice = process.env.PULSE_TF_BACKEND?.trim().toLowerCase();
  const wanted =
    options.backend && options.backend !== 'auto' ? options.backend : envChoice || 'auto';
  if (!['auto', 'tensorflow', 'wasm', 'cpu'].includes(wanted)) {
    throw new Error(`PULSE_TF_BACKEND must be auto, tensorflow, wasm or cpu, got "${wanted}"`);
  }
  const skipped: string[] = [];
  let backend: TfBackendName | undefined;
  if ((wanted === 'auto' || wanted === 'tensorflow') && (await tryNative(skipped)))
    backend = 'tensorflow';
  if (!backend && (wanted === 'auto' || wanted === 'wasm') && (await tryWasm(skipped)))
    backend = 'wasm';
  if (!backend && (wanted === 'auto' || wanted === 'cpu')) {
    if (await tf.setBackend('cpu')) backend = 'cpu';
    else skipped.push('cpu: backend failed to initialise');
  }
  if (!backend)
    throw new Error(`TensorFlow.js backend "${wanted}" unavailable: ${skipped.join('; ')}`);
  await tf.ready();
  registerGatherGradient();
  const wasmMatMulPatched = backend === 'wasm' ? patchWasmTransposedMatMul() : false;
  const wasmSimd = backend === 'wasm' ? tf.env().getBool('WASM_HAS_SIMD_SUPPORT') : undefined;
  const runtime: TfRuntime = {
    tf,
    backend,
    skipped,
    wasmMatMulPatched,
    wasmSimd,
    tfVersion: tf.version.tfjs,
  };
  log(
    `tfjs ${runtime.tfVersion}: backend ${backend}` +
      (backend === 'wasm'
        ? ` (simd ${wasmSimd ? 'on' : 'off'}, binaries ${wasmBinaryDirectory()})`
        : '') +
      (skipped.length ? `; skipped ${skipped.join('; ')}` : ''),
  );
  return runtime;
}

/**
 * Starts TensorFlow.js once per process: the native backend if the optional
 * @tensorflow/tfjs-node loads, else wasm (10-25x faster than cpu here), else
 * cpu; registers the GatherV2 gradient every embedding needs; logs and
 * returns the choice. Later calls return the same runtime unless a different
 * backend is asked for explicitly.
 */
export function initTf(options: InitTfOptions = {}): Promise<TfRuntime> {
  const key = options.backend ?? 'auto';
  if (current && (key === 'auto' || key === currentKey)) return current;
  currentKey = key;
  current = start(options).catch((e: unknown) => {
    current = undefined;
    throw e;
  });
  return current;
}
