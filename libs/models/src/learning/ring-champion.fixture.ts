import type { Params } from '@pulse/ml/evaluation/recommender';
import { SequenceRecommender } from '@pulse/ml/models/sequence.recommender';
import { metadataFile, tfjsFiles } from '../serving/model-artifact-codec';

/**
 * Test fixture of the learning-loop specs: a tiny shop where every shopper
 * walks the items in a ring (i -> i+1), and the artifact files of a small
 * SASRec champion (`ring`, version 1) that learned it.
 */
export const RING_ITEMS = 12;
export const ringItemIds = Array.from({ length: RING_ITEMS }, (_, i) => `sku-${i}`);

export async function ringChampionFiles(epochs: number): Promise<Record<string, Uint8Array>> {
  const sequences = Array.from({ length: 60 }, (_, s) =>
    Array.from({ length: 8 }, (_, k) => (s + k) % RING_ITEMS),
  );
  const rec = new SequenceRecommender('sasrec', {
    hiddenSize: 16,
    maxLen: 10,
    numBlocks: 1,
    dropout: 0,
    epochs,
    batchSize: 32,
    learningRate: 0.01,
    validationSequences: 0,
    patience: 0,
    progress: 'none',
  });
  await rec.fit(
    {
      numItems: RING_ITEMS,
      sequences: {
        offsets: Int32Array.from(sequences.map((_, i) => i * 8).concat(sequences.length * 8)),
        items: Int32Array.from(sequences.flat()),
      },
      kind: 'users',
    },
    { seed: 7 },
  );
  const files = {
    ...tfjsFiles(await rec.save()),
    ...metadataFile({
      format: 'pulse-model/1',
      model: 'ring',
      version: 1,
      kind: 'sasrec',
      params: rec.params as unknown as Params,
      items: ringItemIds,
      storage: 'tfjs',
      untilPosition: '0',
    }),
  };
  rec.dispose();
  return files;
}
