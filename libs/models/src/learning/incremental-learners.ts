import type { ArtifactFiles } from '../registry/model-artifact-store.port';
import { type ArtifactMetadata, readMetadata } from '../serving/model-artifact-codec';
import { ServableModel } from '../serving/servable-model';
import type { IncrementalLearner, TrainableModel } from './incremental-learner';
import type { LiveModel } from './live-model.slot';
import { sequenceLearner } from './sequence.learner';
import { twoTowerLearner } from './two-tower.learner';

const LEARNERS: readonly IncrementalLearner[] = [sequenceLearner, twoTowerLearner];

/** Kinds the learning loop updates incrementally. */
export const INCREMENTAL_KINDS: readonly string[] = LEARNERS.flatMap((l) => l.kinds);

/** The learner of a model version, or undefined when its kind is not updated incrementally (baselines, others). */
export function learnerFor(metadata: Pick<ArtifactMetadata, 'kind' | 'storage'>): IncrementalLearner | undefined {
  if (metadata.storage !== 'tfjs') return undefined;
  return LEARNERS.find((l) => l.kinds.includes(metadata.kind));
}

/**
 * A version's files as the learning loop holds them, for every kind it
 * updates: a ServableModel for serving and the learner's trainable copy
 * (champion.locator's liveModelFromFiles uses it). `lineage`: which stored
 * increment of the version the files are and the attempts recorded on it so
 * far (default: the version as trained, nothing attempted). The slot only disposes
 * `trainable`; the trainer reads it through the learner of the metadata's kind.
 */
export async function learnableLiveModel(
  files: ArtifactFiles,
  version: number,
  lineage: { readonly increment: number; readonly attempts: number } = { increment: 0, attempts: 0 },
): Promise<LiveModel> {
  const metadata = readMetadata(files);
  const learner = learnerFor(metadata);
  if (!learner) {
    throw new Error(
      `${metadata.model}@${version}: ${metadata.kind} models cannot be updated incrementally (${INCREMENTAL_KINDS.join(', ')} can)`,
    );
  }
  const servable = await ServableModel.fromFiles(files, { increment: lineage.increment });
  let trainable: TrainableModel;
  try {
    trainable = await learner.load(files);
  } catch (error) {
    servable.dispose();
    throw error;
  }
  return {
    servable,
    trainable,
    files,
    metadata,
    version,
    increment: lineage.increment,
    attempts: Math.max(lineage.attempts, lineage.increment),
    since: Date.now(),
  };
}
