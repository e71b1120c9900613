import { totalLength } from '../datasets/sequence-dataset';
import type { Recommender, TrainingData } from '../evaluation/recommender';

/** Counts of every occurrence of every item in the training sequences. */
export function itemCounts(train: TrainingData): Float64Array {
  const counts = new Float64Array(train.numItems);
  const items = train.sequences.items;
  const n = totalLength(train.sequences);
  for (let i = 0; i < n; i++) counts[items[i]]++;
  return counts;
}

/** Most popular: the same ranking for everyone, by number of training interactions. */
export class PopularityRecommender implements Recommender {
  readonly name = 'popularity';
  private scores = new Float32Array(0);

  fit(train: TrainingData): void {
    this.scores = Float32Array.from(itemCounts(train));
  }

  scoreAll(_history: Int32Array, out: Float32Array): void {
    out.set(this.scores);
  }
}
