import type * as tf from '@tensorflow/tfjs';
import type { ModelArtifactsData } from '@pulse/ml/runtime/model-artifacts';
import type { Params } from '@pulse/ml/evaluation/recommender';
import type { ArtifactFiles } from '../registry/model-artifact-store.port';

/**
 * A model version's files. `metadata.json` is Pulse's: which architecture,
 * its parameters and the dense id -> Pulse item id table (the model only
 * knows dense ids; `content` when it was trained with item content). Then either tfjs's `model.json` + `weights.bin` (models
 * with weights) or `sequences.bin` (baselines: their state is a function of
 * the training sequences, so they are refitted on load, in milliseconds).
 */
export const ARTIFACT_FORMAT = 'pulse-model/1';

export interface ArtifactMetadata {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly model: string;
  readonly version: number;
  readonly kind: string;
  readonly params: Params;
  /** Pulse item id of each dense id. */
  readonly items: readonly string[];
  readonly storage: 'tfjs' | 'sequences';
  readonly untilPosition: string;
  /**
   * Set when the model was trained with item content (two-tower): how many
   * trained items the catalog described. The content vocabulary itself is in
   * model.json (the model's own metadata), with the weights it belongs to.
   */
  readonly content?: { readonly itemsWithContent: number };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (value: unknown) => encoder.encode(JSON.stringify(value));
const parse = <T>(bytes: Uint8Array | undefined, name: string): T => {
  if (!bytes) throw new Error(`artifact has no ${name}`);
  return JSON.parse(decoder.decode(bytes)) as T;
};

/** tfjs's layout: model.json (topology + a manifest naming weights.bin) and weights.bin. */
export function tfjsFiles(artifacts: ModelArtifactsData): Record<string, Uint8Array> {
  return {
    'model.json': json({
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      userDefinedMetadata: artifacts.userDefinedMetadata,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }),
    'weights.bin': new Uint8Array(artifacts.weightData),
  };
}

export function tfjsArtifacts(files: ArtifactFiles): ModelArtifactsData {
  const model = parse<{
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    userDefinedMetadata?: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  }>(files['model.json'], 'model.json');
  const weightSpecs = model.weightsManifest.flatMap((group) => group.weights);
  const parts = model.weightsManifest.flatMap((group) =>
    group.paths.map((path) => {
      const bytes = files[path];
      if (!bytes) throw new Error(`model.json names ${path}, which the artifact lacks`);
      return bytes;
    }),
  );
  const all = Buffer.concat(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
  return {
    modelTopology: model.modelTopology,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
    format: model.format,
    generatedBy: model.generatedBy,
    convertedBy: model.convertedBy,
    userDefinedMetadata: model.userDefinedMetadata,
  };
}

export function metadataFile(metadata: ArtifactMetadata): Record<string, Uint8Array> {
  return { 'metadata.json': json(metadata) };
}

export function readMetadata(files: ArtifactFiles): ArtifactMetadata {
  const metadata = parse<ArtifactMetadata>(files['metadata.json'], 'metadata.json');
  if (metadata.format !== ARTIFACT_FORMAT) {
    throw new Error(`metadata.json: format ${String(metadata.format)} is not ${ARTIFACT_FORMAT}`);
  }
  return metadata;
}

/** CSR sequences as one little-endian Int32 file: [count, offsets..., items...]. */
export function sequencesFile(offsets: Int32Array, items: Int32Array): Record<string, Uint8Array> {
  const out = new Int32Array(1 + offsets.length + items.length);
  out[0] = offsets.length - 1;
  out.set(offsets, 1);
  out.set(items, 1 + offsets.length);
  return { 'sequences.bin': new Uint8Array(out.buffer) };
}

export function readSequences(files: ArtifactFiles): { offsets: Int32Array; items: Int32Array } {
  const bytes = files['sequences.bin'];
  if (!bytes) throw new Error('artifact has no sequences.bin');
  // Copy: the stored bytes may not be 4-byte aligned.
  const all = new Int32Array(bytes.slice().buffer);
  const count = all[0]!;
  const offsets = all.slice(1, count + 2);
  const items = all.slice(count + 2);
  if (offsets[count] !== items.length) throw new Error('sequences.bin: offsets do not match the items');
  return { offsets, items };
}
