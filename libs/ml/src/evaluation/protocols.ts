import {
  expandPrefixes,
  selectSequences,
  SequenceDataset,
  Sequences,
  SequencesBuilder,
  sequenceAt,
  sequenceCount,
} from '../datasets/sequence-dataset';
import { deriveSeed, SeededRandom } from '../util/random';
import type { TrainingData } from './recommender';

export const PROTOCOL_NAMES = ['loo-full', 'loo-sampled100', 'session-prefix'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export type Phase = 'validation' | 'test';

/** The cases one evaluation pass ranks. Case i: histories[i] -> targets[i]. */
export interface EvaluationCases {
  /** What the model sees (chronological). */
  readonly histories: Sequences;
  readonly targets: Int32Array;
  /** Full ranking: items left out of the ranking for case i (distinct, never the target). */
  readonly masks?: Sequences;
  /** Sampled ranking: the negatives the target is ranked against for case i (distinct, never the target). */
  readonly candidates?: Sequences;
}

export interface EvaluationSplit {
  readonly protocol: ProtocolName;
  readonly phase: Phase;
  readonly numItems: number;
  readonly train: TrainingData;
  /**
   * Same key = same training data: a model fitted for the validation split can
   * be scored on the test split without refitting (true for leave-one-out).
   */
  readonly trainKey: string;
  readonly cases: EvaluationCases;
}

export interface SplitOptions {
  /** Seed for sampled negatives. */
  readonly seed?: number;
  /** session-prefix: share of sessions (the latest) held out for validation. Default 0.1. */
  readonly validationFraction?: number;
}

export interface EvaluationProtocol {
  readonly name: ProtocolName;
  readonly description: string;
  split(dataset: SequenceDataset, phase: Phase, options?: SplitOptions): EvaluationSplit;
}

/** Distinct items of `history` other than `target`, in first-seen order. */
function maskFor(
  history: Int32Array,
  target: number,
  seen: Int32Array,
  stamp: number,
  out: SequencesBuilder,
): void {
  for (let i = 0; i < history.length; i++) {
    const item = history[i];
    if (item === target || seen[item] === stamp) continue;
    seen[item] = stamp;
    out.pushItem(item);
  }
  out.endSequence();
}

/**
 * Leave-one-out per user: the last item is the test target, the second-last
 * the validation target, everything before is training data. The model is
 * fitted on the training part only (both phases, as in S3-Rec/ICLRec, whose
 * anchors we compare with); for the test case its input history also holds
 * the validation item, which it was not trained on.
 *
 * Masking (full ranking): the items of the case's history (for validation:
 * the items before the validation target; for test: all items before the test
 * target) are removed from the ranking, except the target itself should it
 * also occur in the history, so a repeat purchase can still be hit.
 */
function leaveOneOutSplit(
  dataset: SequenceDataset,
  phase: Phase,
  sampledNegatives: number,
  options: SplitOptions,
): EvaluationSplit {
  const { sequences } = dataset;
  const n = sequenceCount(sequences);
  const numItems = dataset.items.size;
  const train = new SequencesBuilder(n, sequences.items.length);
  const trainTimes: number[] = [];
  const histories = new SequencesBuilder(n, sequences.items.length);
  const masks = sampledNegatives > 0 ? undefined : new SequencesBuilder(n, sequences.items.length);
  const candidates =
    sampledNegatives > 0 ? new SequencesBuilder(n, n * sampledNegatives) : undefined;
  const targets: number[] = [];
  const seen = new Int32Array(numItems);
  let stamp = 0;
  const rng = new SeededRandom(deriveSeed(options.seed ?? 0, `loo-negatives:${phase}`));
  const offset = phase === 'validation' ? 2 : 1; // target position counted from the end

  for (let u = 0; u < n; u++) {
    const s = sequenceAt(sequences, u);
    if (s.length > 2) {
      train.push(s.subarray(0, s.length - 2));
      if (dataset.times) trainTimes.push(dataset.times[u]);
    }
    if (s.length < offset + 1) continue; // no history before this phase's target
    const t = s.length - offset;
    const history = s.subarray(0, t);
    const target = s[t];
    histories.push(history);
    targets.push(target);
    stamp++;
    if (masks) {
      maskFor(history, target, seen, stamp, masks);
    } else if (candidates) {
      // Negatives: items the user never touched (whole sequence, future included).
      let touched = 0;
      for (let i = 0; i < s.length; i++) {
        if (seen[s[i]] !== stamp) {
          seen[s[i]] = stamp;
          touched++;
        }
      }
      const available = numItems - touched;
      const want = Math.min(sampledNegatives, available);
      let got = 0;
      while (got < want) {
        const c = rng.nextInt(numItems);
        if (seen[c] === stamp) continue;
        seen[c] = stamp;
        candidates.pushItem(c);
        got++;
      }
      candidates.endSequence();
    }
  }
  const protocol: ProtocolName = sampledNegatives > 0 ? 'loo-sampled100' : 'loo-full';
  return {
    protocol,
    phase,
    numItems,
    train: {
      numItems,
      kind: dataset.kind,
      sequences: train.build(),
      times: dataset.times ? Float64Array.from(trainTimes) : undefined,
    },
    trainKey: `${dataset.name}:loo-train`,
    cases: {
      histories: histories.build(),
      targets: Int32Array.from(targets),
      masks: masks?.build(),
      candidates: candidates?.build(),
    },
  };
}

/** Sequence indices in chronological order (by times when present, else as stored). */
function chronologicalOrder(dataset: SequenceDataset): Int32Array {
  const n = sequenceCount(dataset.sequences);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const times = dataset.times;
  if (times) {
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) sorted = times[i - 1] <= times[i];
    if (!sorted) {
      const arr = Array.from(order).sort((a, b) => times[a] - times[b] || a - b);
      order.set(arr);
    }
  }
  return order;
}

/**
 * Session-prefix (SR-GNN / GCE-GNN): every prefix of a held-out session
 * predicts the item that followed it; the target is ranked against all items
 * (nothing masked: repeat clicks are legitimate targets). Test cases are the
 * dataset's published held-out cases when it has them; validation holds out
 * the latest `validationFraction` of training sessions and fits on the rest.
 * Datasets without published cases hold out the latest fraction for test and
 * the fraction before it for validation.
 */
function sessionPrefixSplit(
  dataset: SequenceDataset,
  phase: Phase,
  options: SplitOptions,
): EvaluationSplit {
  const fraction = options.validationFraction ?? 0.1;
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`validationFraction must be in (0, 1), got ${fraction}`);
  }
  const order = chronologicalOrder(dataset);
  const numItems = dataset.items.size;
  const times = dataset.times;

  // Peel off held-out blocks from the end of the chronological order.
  let end = order.length;
  let casesSequences: Sequences | undefined;
  const peel = (): Int32Array => {
    const size = Math.max(1, Math.round(end * fraction));
    const block = order.subarray(end - size, end);
    end -= size;
    return block;
  };
  let cases: EvaluationSplit['cases'];
  if (dataset.heldOut && phase === 'test') {
    cases = { histories: dataset.heldOut.prefixes, targets: dataset.heldOut.targets };
  } else {
    if (!dataset.heldOut) {
      const testBlock = peel();
      if (phase === 'test') casesSequences = selectSequences(dataset.sequences, testBlock);
    }
    if (phase === 'validation') casesSequences = selectSequences(dataset.sequences, peel());
    const expanded = expandPrefixes(casesSequences!);
    cases = { histories: expanded.prefixes, targets: expanded.targets };
  }
  const trainIdx = order.subarray(0, end);
  return {
    protocol: 'session-prefix',
    phase,
    numItems,
    train: {
      numItems,
      kind: dataset.kind,
      sequences: selectSequences(dataset.sequences, trainIdx),
      times: times ? Float64Array.from(trainIdx, (i) => times[i]) : undefined,
    },
    trainKey: `${dataset.name}:session-prefix:train-${end}`,
    cases,
  };
}

export const PROTOCOLS: Record<ProtocolName, EvaluationProtocol> = {
  'loo-full': {
    name: 'loo-full',
    description:
      'leave-one-out; last item = test, second-last = validation; target ranked against all items except the history',
    split: (dataset, phase, options = {}) => leaveOneOutSplit(dataset, phase, 0, options),
  },
  'loo-sampled100': {
    name: 'loo-sampled100',
    description:
      'leave-one-out; target ranked against 100 negatives drawn uniformly from items the user never touched',
    split: (dataset, phase, options = {}) => leaveOneOutSplit(dataset, phase, 100, options),
  },
  'session-prefix': {
    name: 'session-prefix',
    description:
      'every prefix of a held-out session predicts the next item; ranked against all items; validation = latest 10% of training sessions',
    split: (dataset, phase, options = {}) => sessionPrefixSplit(dataset, phase, options),
  },
};

export function getProtocol(name: string): EvaluationProtocol {
  const protocol = (PROTOCOLS as Record<string, EvaluationProtocol>)[name];
  if (!protocol) {
    throw new Error(`unknown protocol "${name}"; expected one of ${PROTOCOL_NAMES.join(', ')}`);
  }
  return protocol;
}
