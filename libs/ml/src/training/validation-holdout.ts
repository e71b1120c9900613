import {
  expandPrefixes,
  selectSequences,
  Sequences,
  SequencesBuilder,
  sequenceAt,
  sequenceCount,
} from '../datasets/sequence-dataset';
import type { EvaluationSplit } from '../evaluation/protocols';
import type { TrainingData } from '../evaluation/recommender';
import { deriveSeed, SeededRandom } from '../util/random';

export interface Holdout {
  /** What the model trains on while it is being early-stopped. */
  readonly train: Sequences;
  /** The times of `train`'s sequences, when the data has times (sessions keep their recency). */
  readonly trainTimes?: Float64Array;
  /** Cases in the harness's format, scored with scoreSplit. */
  readonly split: EvaluationSplit;
}

/**
 * An early-stopping set carved out of the training data, following the
 * protocol the data implies, so validation NDCG@10 comes from the harness
 * itself (scoreSplit), never from the caller's validation or test targets:
 *
 * - users: a seeded sample of users (with at least 3 items) gives up its
 *   latest training item as the target (leave-one-out one step earlier,
 *   history items masked like loo-full); only that item leaves the training data.
 * - sessions: the latest sessions (by time, else a seeded sample) are held
 *   out whole and every prefix is a case, nothing masked (like session-prefix).
 */
export function carveHoldout(data: TrainingData, maxSequences: number, seed: number): Holdout {
  const n = sequenceCount(data.sequences);
  const rng = new SeededRandom(deriveSeed(seed, 'holdout'));
  if (data.kind === 'users') {
    const eligible: number[] = [];
    for (let i = 0; i < n; i++) if (sequenceAt(data.sequences, i).length >= 3) eligible.push(i);
    const chosen = new Uint8Array(n);
    const pick = Int32Array.from(eligible);
    rng.shuffle(pick);
    for (const i of pick.subarray(0, Math.min(maxSequences, pick.length))) chosen[i] = 1;
    const train = new SequencesBuilder(n, data.sequences.items.length);
    const histories = new SequencesBuilder(maxSequences);
    const masks = new SequencesBuilder(maxSequences);
    const targets: number[] = [];
    const seen = new Int32Array(data.numItems);
    let stamp = 0;
    for (let i = 0; i < n; i++) {
      const s = sequenceAt(data.sequences, i);
      if (!chosen[i]) {
        train.push(s);
        continue;
      }
      const history = s.subarray(0, s.length - 1);
      const target = s[s.length - 1];
      train.push(history);
      histories.push(history);
      targets.push(target);
      stamp++;
      for (const item of history) {
        if (item === target || seen[item] === stamp) continue;
        seen[item] = stamp;
        masks.pushItem(item);
      }
      masks.endSequence();
    }
    const trainSequences = train.build();
    return {
      train: trainSequences,
      ...(data.times && { trainTimes: data.times }), // every user stays, one item shorter
      split: {
        protocol: 'loo-full',
        phase: 'validation',
        numItems: data.numItems,
        train: { ...data, sequences: trainSequences },
        trainKey: 'holdout',
        cases: {
          histories: histories.build(),
          targets: Int32Array.from(targets),
          masks: masks.build(),
        },
      },
    };
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (data.times) {
    const times = data.times;
    order.sort((a, b) => times[a] - times[b] || a - b);
  } else {
    rng.shuffle(order);
  }
  const held = Math.min(maxSequences, Math.floor(n / 5));
  const trainIdx = order.slice(0, n - held).sort();
  const heldIdx = order.slice(n - held).sort();
  const trainSequences = selectSequences(data.sequences, trainIdx);
  const cases = expandPrefixes(selectSequences(data.sequences, heldIdx));
  const times = data.times;
  return {
    train: trainSequences,
    ...(times && { trainTimes: Float64Array.from(trainIdx, (i) => times[i]!) }),
    split: {
      protocol: 'session-prefix',
      phase: 'validation',
      numItems: data.numItems,
      train: { ...data, sequences: trainSequences, times: undefined },
      trainKey: 'holdout',
      cases: { histories: cases.prefixes, targets: cases.targets },
    },
  };
}
