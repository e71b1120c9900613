import type { EvaluationSplit } from '@pulse/ml/evaluation/protocols';
import { scoreSplit } from '@pulse/ml/evaluation/harness';
import type { ModelContext, Params, Recommender, TrainingData } from '@pulse/ml/evaluation/recommender';
import { twoTowerSpec } from '@pulse/ml/models/two-tower/two-tower.model-spec';
import type { ModelArtifactsData } from '@pulse/ml/runtime/model-artifacts';
import type { EventStore } from '@pulse/platform/event-store/event-store.port';
import type { ModelArtifactStore } from '../registry/model-artifact-store.port';
import type { ArtifactRef } from '../registry/model.events';
import { buildTrainingSet } from '../training-data/training-set.builder';
import { metadataFile, sequencesFile, tfjsFiles } from '../serving/model-artifact-codec';
import { findTrainableSpec } from '../serving/model-specs';

/** What to train: one reserved version of a named model. */
export interface TrainingJob {
  readonly model: string;
  readonly version: number;
  /** Architecture or baseline (a DEEP_MODEL_SPECS or BASELINE_SPECS name). */
  readonly kind: string;
  /** Overrides of the spec's defaults. */
  readonly params: Params;
  /** Data: the log up to and including this position. */
  readonly untilPosition: string;
  readonly seed: number;
}

/** What ModelTrained records. */
export interface TrainingOutcome {
  readonly metric: { name: string; value: number };
  readonly validation: Record<string, number>;
  readonly validationCases: number;
  readonly dataPosition: string;
  readonly numItems: number;
  readonly numSequences: number;
  readonly artifact: ArtifactRef;
  readonly trainingSeconds: number;
  readonly backend: string;
}

/** The metric promotion compares: NDCG@10 of the next interaction on the validation window. */
export const PROMOTION_METRIC = 'ndcg@10';
const KS = [5, 10, 20];

/**
 * Kinds trained with the catalog content of their items (the same log, same
 * bound: buildTrainingSet folds the item events into `itemFeatures`). Their
 * artifacts carry the content vocabulary, so serving can embed items listed
 * after training. The sequence models read ids only.
 */
const CONTENT_KINDS: ReadonlySet<string> = new Set([twoTowerSpec.name]);
export const usesItemContent = (kind: string): boolean => CONTENT_KINDS.has(kind);

type Saveable = Recommender & { save(): Promise<ModelArtifactsData> };
const canSave = (r: Recommender): r is Saveable => typeof (r as Partial<Saveable>).save === 'function';

/**
 * Build data as of a position -> fit -> score the validation window -> store
 * the artifact. The model is fitted on each shopper's interactions before the
 * validation cut and judged on the next interactions after it (time split,
 * so it is scored on the future, as it will serve); that same fitted model is
 * what gets stored and served, so the metric describes the served model.
 */
export async function trainModelVersion(
  events: EventStore,
  artifacts: ModelArtifactStore,
  job: TrainingJob,
  log: (message: string) => void = () => undefined,
): Promise<TrainingOutcome> {
  const spec = findTrainableSpec(job.kind);
  if (!spec) throw new Error(`kind: unknown model kind '${job.kind}'`);
  const started = process.hrtime.bigint();
  const set = await buildTrainingSet(events, { untilPosition: BigInt(job.untilPosition) });
  const items = set.users.items;
  const numItems = items.size;
  if (numItems === 0) throw new Error(`no interactions in the log up to position ${job.untilPosition}: nothing to train on`);
  const itemFeatures = usesItemContent(spec.name) ? set.itemFeatures : undefined;
  const train: TrainingData = {
    numItems,
    sequences: set.split.users.train,
    kind: 'users',
    ...(itemFeatures && { itemFeatures }),
  };
  const itemsWithContent = itemFeatures?.items.filter((c) => c !== undefined).length;
  const numSequences = train.sequences.offsets.length - 1;
  const context: ModelContext = {
    protocol: 'loo-full',
    kind: 'users',
    numItems,
    hasTimes: false,
    timeSpan: 0,
    averageSequenceLength: train.sequences.items.length / Math.max(1, numSequences),
  };
  const params: Params = { ...spec.defaults(context), ...job.params };
  log(
    `${job.model}@${job.version}: ${spec.name} on ${numItems} items, ${numSequences} shoppers, ${train.sequences.items.length} interactions` +
      (itemsWithContent !== undefined ? `, content for ${itemsWithContent} items` : ''),
  );
  const recommender = spec.create(params);
  try {
    await recommender.fit(train, { seed: job.seed });
    const validation = set.split.users.validation;
    const split: EvaluationSplit = {
      // Nothing masked: a shopper may well come back to an item, and the serving filters decide that.
      protocol: 'session-prefix',
      phase: 'validation',
      numItems,
      train,
      trainKey: 'time-split',
      cases: { histories: validation.prefixes, targets: validation.targets },
    };
    const cases = validation.targets.length;
    const scores: Record<string, number> = {};
    if (cases > 0) {
      const scored = scoreSplit(recommender, split, { ks: KS, seed: job.seed });
      for (const k of KS) {
        scores[`hr@${k}`] = scored.metrics.hr[k]!;
        scores[`ndcg@${k}`] = scored.metrics.ndcg[k]!;
        scores[`mrr@${k}`] = scored.metrics.mrr[k]!;
      }
    }
    const metadata = {
      format: 'pulse-model/1' as const,
      model: job.model,
      version: job.version,
      kind: spec.name,
      params,
      items: items.externalIds(),
      storage: canSave(recommender) ? ('tfjs' as const) : ('sequences' as const),
      untilPosition: set.untilPosition.toString(),
      ...(itemsWithContent !== undefined && { content: { itemsWithContent } }),
    };
    const files = canSave(recommender)
      ? { ...tfjsFiles(await recommender.save()), ...metadataFile(metadata) }
      : { ...sequencesFile(train.sequences.offsets, train.sequences.items), ...metadataFile(metadata) };
    const artifact = await artifacts.put({ model: job.model, version: job.version }, files);
    const trainingSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    return {
      metric: { name: PROMOTION_METRIC, value: scores[PROMOTION_METRIC] ?? 0 },
      validation: scores,
      validationCases: cases,
      dataPosition: set.untilPosition.toString(),
      numItems,
      numSequences,
      artifact,
      trainingSeconds,
      backend: metadata.storage === 'tfjs' ? await tfBackend() : 'none',
    };
  } finally {
    recommender.dispose?.();
  }
}

async function tfBackend(): Promise<string> {
  const { initTf } = await import('@pulse/ml/runtime/tf-runtime');
  return (await initTf()).backend;
}
