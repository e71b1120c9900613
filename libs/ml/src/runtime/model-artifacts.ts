import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

/**
 * A saved LayersModel as plain data: the topology JSON, the weight manifest
 * and one binary buffer. It is what `model.save` hands a save handler, made
 * concrete so it can go to files, GridFS or a test's memory alike.
 * (`model.save('file://...')` needs tfjs-node, which may be absent.)
 */
export interface ModelArtifactsData {
  readonly modelTopology: object;
  readonly weightSpecs: tf.io.WeightsManifestEntry[];
  readonly weightData: ArrayBuffer;
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
  readonly userDefinedMetadata?: Record<string, unknown>;
}

export async function saveModel(
  model: tf.LayersModel,
  userDefinedMetadata?: Record<string, unknown>,
): Promise<ModelArtifactsData> {
  if (userDefinedMetadata) model.setUserDefinedMetadata(userDefinedMetadata);
  let captured: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      captured = artifacts;
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  if (!captured || !captured.modelTopology || !captured.weightSpecs || !captured.weightData) {
    throw new Error('model.save produced no topology or weights');
  }
  return {
    modelTopology: captured.modelTopology as object,
    weightSpecs: captured.weightSpecs,
    weightData: tf.io.concatenateArrayBuffers(captured.weightData),
    format: captured.format,
    generatedBy: captured.generatedBy,
    convertedBy: captured.convertedBy,
    userDefinedMetadata: captured.userDefinedMetadata as Record<string, unknown> | undefined,
  };
}

/** Loads artifacts made by `saveModel` (custom layers must be registered, which importing their module does). */
export async function loadModel(artifacts: ModelArtifactsData): Promise<tf.LayersModel> {
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: artifacts.modelTopology,
      weightSpecs: artifacts.weightSpecs,
      weightData: artifacts.weightData,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      userDefinedMetadata: artifacts.userDefinedMetadata as Record<string, object> | undefined,
    }),
  );
}

/** tfjs's own layout: model.json (topology + manifest pointing at weights.bin) and weights.bin. */
export async function writeModelArtifacts(
  dir: string,
  artifacts: ModelArtifactsData,
): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const modelJson = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    userDefinedMetadata: artifacts.userDefinedMetadata,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  // Weights first, then the manifest: a reader never sees a model.json whose weights are missing.
  await fs.writeFile(path.join(dir, 'weights.bin'), Buffer.from(artifacts.weightData));
  const tmp = path.join(dir, 'model.json.tmp');
  await fs.writeFile(tmp, JSON.stringify(modelJson));
  await fs.rename(tmp, path.join(dir, 'model.json'));
}

export async function readModelArtifacts(dir: string): Promise<ModelArtifactsData> {
  const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
    userDefinedMetadata?: Record<string, unknown>;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) buffers.push(await fs.readFile(path.join(dir, p)));
  }
  const all = Buffer.concat(buffers);
  return {
    modelTopology: json.modelTopology,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    userDefinedMetadata: json.userDefinedMetadata,
  };
}
