import type { Params } from '../evaluation/recommender';
import type { ModelArtifactsData } from '../runtime/model-artifacts';
import { epochAverages, holdoutNote, softmaxNote } from '../training/fit-support';
import { overrideParams } from '../training/model-params';
import type { SequenceTrainingParams } from '../training/training-params';
import { buildGru4rec, Gru4recEncoder } from './gru4rec.model';
import { buildSasrec, SasrecEncoder } from './sasrec.model';
import type { SequenceEncoder } from './sequence-encoder';
import {
  ArtifactCheck,
  EncoderNetwork,
  FitSummary,
  SequenceEncoderRecommender,
} from './sequence-encoder.recommender';

export type SequenceModelKind = 'sasrec' | 'gru4rec';

/** Everything that defines one sequence recommender: architecture + training settings. */
export interface SequenceModelParams extends SequenceTrainingParams {
  readonly hiddenSize: number;
  readonly maxLen: number;
  readonly dropout: number;
  /** SASRec only. */
  readonly numBlocks: number;
  readonly numHeads: number;
  /** GRU4Rec only: dropout on the GRU output. */
  readonly outputDropout: number;
  /** GRU4Rec only: add each input embedding to the GRU output (see Gru4recConfig.inputSkip). */
  readonly inputSkip: boolean;
}

export const SEQUENCE_MODEL_DEFAULTS: SequenceModelParams = {
  hiddenSize: 64,
  maxLen: 50,
  dropout: 0.2,
  numBlocks: 2,
  numHeads: 1,
  outputDropout: 0,
  inputSkip: false,
  epochs: 200,
  batchSize: 128,
  learningRate: 0.001,
  negatives: 0,
  negativeAlpha: 0,
  logQ: true,
  windows: 'last',
  patience: 5,
  evalEvery: 2,
  validationSequences: 3000,
  progress: 'auto',
  stopFile: '',
  seed: 42,
};

/** Turns loosely typed spec params (CLI --set) into SequenceModelParams, rejecting unknown or bad values. */
export function sequenceParams(params: Params): SequenceModelParams {
  const p = overrideParams('sequence-model', SEQUENCE_MODEL_DEFAULTS, params);
  if (!['last', 'all'].includes(p.windows))
    throw new Error(`windows must be last or all, got ${p.windows}`);
  if (!['auto', 'bar', 'log', 'none'].includes(p.progress))
    throw new Error(`progress must be auto, bar, log or none`);
  for (const k of ['hiddenSize', 'maxLen', 'batchSize', 'numBlocks', 'numHeads'] as const) {
    if (!Number.isInteger(p[k]) || p[k] < 1)
      throw new Error(`${k} must be a positive integer, got ${p[k]}`);
  }
  if (!(p.dropout >= 0 && p.dropout < 1))
    throw new Error(`dropout must be in [0, 1), got ${p.dropout}`);
  if (!(p.learningRate > 0))
    throw new Error(`learningRate must be positive, got ${p.learningRate}`);
  return p;
}

/** SASRec's and GRU4Rec's artifact tag, and what `load` looks for in an artifact. */
const ARTIFACTS: ArtifactCheck = {
  format: 'pulse-sequence-recommender/1',
  requires: ['kind'],
  encoders: [SasrecEncoder, Gru4recEncoder],
  noEncoder: 'artifact has no Pulse sequence encoder layer',
};

/**
 * SASRec or GRU4Rec behind the harness's Recommender interface: `kind`
 * picks the encoder; training, scoring and artifacts are the shared
 * sequence-encoder machinery.
 */
export class SequenceRecommender extends SequenceEncoderRecommender<
  SequenceModelParams,
  SequenceEncoder
> {
  constructor(
    readonly kind: SequenceModelKind,
    params: Partial<SequenceModelParams> = {},
  ) {
    super(sequenceParams(params as Params));
  }

  get name(): string {
    return this.kind;
  }

  protected build(numItems: number, seed: number): EncoderNetwork {
    const p = this.params;
    if (this.kind === 'sasrec') {
      return buildSasrec({
        numItems,
        hiddenSize: p.hiddenSize,
        numBlocks: p.numBlocks,
        numHeads: p.numHeads,
        maxLen: p.maxLen,
        dropout: p.dropout,
        innerSize: p.hiddenSize,
        seed,
      });
    }
    return buildGru4rec({
      numItems,
      hiddenSize: p.hiddenSize,
      maxLen: p.maxLen,
      dropout: p.dropout,
      outputDropout: p.outputDropout,
      inputSkip: p.inputSkip,
      seed,
    });
  }

  protected fitNotes({ backend, report: r, holdout, numItems }: FitSummary): string[] {
    const p = this.params;
    const avg = epochAverages(r.epochs);
    return [
      `tfjs backend ${backend}; ${r.epochs.length} epochs at ${avg.seconds.toFixed(1)} s/epoch ` +
        `(${avg.cpuSeconds.toFixed(1)} s CPU) ` +
        `(${Math.round(r.examplesPerEpoch / avg.seconds)} ex/s), best epoch ${r.bestEpoch}` +
        holdoutNote(r.bestValidation, holdout),
      softmaxNote(p.negatives, numItems, p.logQ),
    ];
  }

  protected artifactHeader() {
    return { format: ARTIFACTS.format, kind: this.kind };
  }

  /** Restores a saved recommender; `fit` on it continues training (Adam restarts its moments). */
  static async load(
    artifacts: ModelArtifactsData,
    overrides: Partial<SequenceModelParams> = {},
  ): Promise<SequenceRecommender> {
    return SequenceEncoderRecommender.loadArtifacts(
      artifacts,
      ARTIFACTS,
      (saved: { kind: SequenceModelKind; params: SequenceModelParams }) =>
        new SequenceRecommender(saved.kind, { ...saved.params, ...overrides }),
    );
  }
}
