import * as tf from '@tensorflow/tfjs';

type KernelConfig = ReturnType<typeof tf.getKernel>;
type KernelFunc = NonNullable<KernelConfig>['kernelFunc'];
type Info = tf.TensorInfo;

/**
 * On the wasm backend a matMul with transposeA or transposeB does not reach
 * XNNPACK's fast path: measured here, 2048x64 @ 64x4096 took 82 ms plain,
 * 823 ms with transposeB and 3.5 s with transposeA, while transposing the
 * operand first and multiplying plainly took 64-94 ms in total. Every matMul
 * gradient is a transposed product, so training ran ~10x slower than needed.
 *
 * This re-registers BatchMatMul and _FusedMatMul for wasm with a thin wrapper
 * that transposes the flagged operand with the Transpose kernel and calls the
 * shipped kernel without the flag. Results are bit-for-bit those of a plain
 * product of the transposed operand.
 */
let patched = false;

export function patchWasmTransposedMatMul(): boolean {
  if (patched) return true;
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (!transpose) return false;
  for (const name of ['BatchMatMul', '_FusedMatMul']) {
    const original = tf.getKernel(name, 'wasm');
    if (!original) continue;
    const inner = original.kernelFunc;
    const wrapped: KernelFunc = (args) => {
      const attrs = args.attrs as unknown as { transposeA?: boolean; transposeB?: boolean };
      if (!attrs.transposeA && !attrs.transposeB) return inner(args);
      const backend = args.backend as tf.KernelBackend;
      const inputs = { ...(args.inputs as Record<string, Info>) };
      const temps: Info[] = [];
      const swapLast = (x: Info): Info => {
        const rank = x.shape.length;
        const perm = Array.from({ length: rank }, (_, i) => i);
        perm[rank - 1] = rank - 2;
        perm[rank - 2] = rank - 1;
        const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as Info;
        temps.push(out);
        return out;
      };
      if (attrs.transposeA) inputs.a = swapLast(inputs.a);
      if (attrs.transposeB) inputs.b = swapLast(inputs.b);
      try {
        return inner({
          ...args,
          inputs,
          attrs: { ...(args.attrs as object), transposeA: false, transposeB: false },
        });
      } finally {
        for (const t of temps) backend.disposeData(t.dataId);
      }
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc: wrapped });
  }
  patched = true;
  return true;
}
