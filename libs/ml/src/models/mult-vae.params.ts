import { overrideParams } from '../training/model-params';
import type { Params } from '../evaluation/recommender';
import type { TrainingParams } from '../training/training-params';

/** Everything that defines one Mult-VAE: architecture + training settings. */
export interface MultVaeParams extends TrainingParams {
  /** Encoder/decoder hidden layer width (paper: 600). */
  readonly hiddenSize: number;
  /** Latent size (paper: 200). */
  readonly latentSize: number;
  /** Input dropout (paper: 0.5). */
  readonly dropout: number;
  /** KL weight cap after annealing (paper: 0.2). */
  readonly beta: number;
  /** Epochs over which beta rises linearly from 0 to its cap (0: cap from the start). */
  readonly annealEpochs: number;
  /** 1: the paper's binary input; < 1: weight decay^(distance from the end), then L2-normalised. */
  readonly inputDecay: number;
}

export const MULT_VAE_DEFAULTS: MultVaeParams = {
  hiddenSize: 600,
  latentSize: 200,
  dropout: 0.5,
  beta: 0.2,
  annealEpochs: 20,
  inputDecay: 1,
  epochs: 200,
  batchSize: 500,
  learningRate: 0.001,
  negatives: 0,
  patience: 5,
  evalEvery: 1,
  validationSequences: 3000,
  progress: 'auto',
  stopFile: '',
  seed: 42,
};

/** Loosely typed params (CLI --set) -> MultVaeParams; errors name the parameter. */
export function multVaeParams(params: Params): MultVaeParams {
  const p = overrideParams('mult-vae', MULT_VAE_DEFAULTS, params);
  for (const k of ['hiddenSize', 'latentSize', 'batchSize', 'epochs'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1) {
      throw new Error(`mult-vae: ${k} must be a positive integer, got ${p[k]}`);
    }
  }
  for (const k of ['negatives', 'patience', 'annealEpochs', 'validationSequences'] as const) {
    if (!(p[k] >= 0)) throw new Error(`mult-vae: ${k} must be >= 0, got ${p[k]}`);
  }
  if (!(p.dropout >= 0 && p.dropout < 1)) {
    throw new Error(`mult-vae: dropout must be in [0, 1), got ${p.dropout}`);
  }
  if (!(p.beta >= 0)) throw new Error(`mult-vae: beta must be >= 0, got ${p.beta}`);
  if (!(p.inputDecay > 0 && p.inputDecay <= 1)) {
    throw new Error(`mult-vae: inputDecay must be in (0, 1], got ${p.inputDecay}`);
  }
  if (!(p.learningRate > 0)) {
    throw new Error(`mult-vae: learningRate must be positive, got ${p.learningRate}`);
  }
  if (!(p.evalEvery >= 1)) throw new Error(`mult-vae: evalEvery must be >= 1, got ${p.evalEvery}`);
  if (!['auto', 'bar', 'log', 'none'].includes(p.progress)) {
    throw new Error(`mult-vae: progress must be auto, bar, log or none, got ${p.progress}`);
  }
  return p;
}
