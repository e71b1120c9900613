import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { scoreSplit } from '../evaluation/harness';
import { carveHoldout } from '../training/validation-holdout';

export interface BlendParams {
  /** Weights of the first part tried on the holdout (the second gets 1 − w). */
  readonly weights: readonly number[];
  /** Sequences carved from the training data to choose the weight on. */
  readonly holdoutSequences: number;
  /** Holdout cases scored per weight (a seeded subset; each weight scores both parts). */
  readonly tuneCases: number;
  /**
   * How the parts' scores meet: 'z' standardises each over the catalogue;
   * 'probability' mixes the first part's softmax with the second's scores
   * scaled to sum to 1 (for a non-negative neighbourhood score).
   */
  readonly mixing: 'z' | 'probability';
  /**
   * Fit the second part again on all the training data once the weight is
   * chosen. For a neighbourhood method fitting is indexing (milliseconds),
   * and the holdout is the latest sessions, which a recency-weighted method
   * needs most (STAN on Diginetica without the latest 3,000 sessions: P@20
   * 51.34 instead of 51.86).
   */
  readonly refitSecond: boolean;
  /**
   * Epochs the first part trains further on all the training data once the
   * weight is chosen (0: none; needs `trainFurther`). A deep part was fitted
   * without the holdout, i.e. without the latest sessions; one more pass
   * takes them in. 'auto': chosen on the holdout (see `maxFurtherEpochs`).
   */
  readonly furtherEpochs: number | 'auto';
  /**
   * With furtherEpochs 'auto', the most further epochs tried. The search
   * plays the final step one level down: from the fitted state (a
   * checkpoint), the first part trains 1, 2, ... further epochs on the
   * training part (which takes in its own early-stopping holdout, the
   * sessions just before the blend's), and after each the weight is chosen
   * again and the blend scored on the blend's holdout, later than anything it
   * trained on, as the test period is. The best count (an epoch that does not
   * help ends the search) and its weight are kept, the checkpoint restored,
   * and then the count is trained on all the data.
   */
  readonly maxFurtherEpochs: number;
}

export const BLEND_DEFAULTS: BlendParams = {
  // Finer near the ends: a sparse neighbourhood score's z-scores run far larger than a dense model's.
  weights: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98, 0.99, 1],
  holdoutSequences: 3000,
  tuneCases: 3000,
  mixing: 'z',
  refitSecond: true,
  furtherEpochs: 0,
  maxFurtherEpochs: 3,
};

/**
 * A score-level blend of two models, as a production ranker blends a deep
 * model with a neighbourhood method: each part's scores for a history are
 * standardised over the catalogue (z-scores, so their scales meet) and
 * mixed as w·first + (1 − w)·second. The weight is chosen on a holdout
 * carved from the training data in the protocol's own form (as early
 * stopping does); both parts are fitted on the rest, so the holdout is
 * unseen by either and the caller's validation and test targets by all.
 * The notes report each part alone and the blend on that holdout.
 */
export class BlendRecommender implements Recommender {
  readonly name: string;
  private weight = 0.5;
  private scratch = new Float32Array(0);
  private readonly reported: string[] = [];

  constructor(
    private readonly first: Recommender,
    private readonly second: Recommender,
    private readonly params: BlendParams = BLEND_DEFAULTS,
  ) {
    if (params.weights.length === 0 || params.weights.some((w) => !(w >= 0 && w <= 1))) {
      throw new RangeError(`weights: each must be in [0, 1], got ${params.weights.join(',')}`);
    }
    this.name = `blend(${first.name}+${second.name})`;
  }

  get notes(): readonly string[] {
    return [...this.reported, ...(this.first.notes ?? []).map((n) => `${this.first.name}: ${n}`)];
  }

  get chosenWeight(): number {
    return this.weight;
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    const seed = options.seed ?? 42;
    const holdout = carveHoldout(train, this.params.holdoutSequences, seed);
    const rest: TrainingData = {
      ...train,
      sequences: holdout.train,
      ...(holdout.trainTimes ? { times: holdout.trainTimes } : { times: undefined }),
    };
    await this.first.fit(rest, options);
    await this.second.fit(rest, { seed });
    const sessions = holdout.split.protocol === 'session-prefix';
    const metricOf = (model: Recommender) => {
      const scored = scoreSplit(model, holdout.split, {
        ks: [10],
        seed,
        maxCases: this.params.tuneCases,
      });
      return sessions ? scored.metrics.mrr[10]! : scored.metrics.ndcg[10]!;
    };
    const chooseWeight = () => {
      const tried = this.params.weights.map((weight) => {
        this.weight = weight;
        return { weight, metric: metricOf(this) };
      });
      return { tried, best: tried.reduce((a, b) => (b.metric > a.metric ? b : a)) };
    };
    const name = sessions ? 'MRR@10' : 'NDCG@10';
    let choice = chooseWeight();
    let furtherEpochs = this.params.furtherEpochs;
    if (furtherEpochs === 'auto') {
      const chosen = await this.chooseFurtherEpochs(rest, options, choice, chooseWeight, name);
      choice = chosen.choice;
      furtherEpochs = chosen.epochs;
    }
    const { tried, best } = choice;
    this.weight = best.weight;
    const at = (w: number) => tried.find((t) => t.weight === w)?.metric;
    const alone = (w: number, who: string) =>
      at(w) === undefined ? [] : [`${who} alone ${at(w)!.toFixed(4)}`];
    this.reported.push(
      `weight ${best.weight} on ${this.first.name} chosen on a holdout of ${this.params.holdoutSequences} training sequences ` +
        `(${name} ${best.metric.toFixed(4)}; ${[...alone(1, this.first.name), ...alone(0, this.second.name)].join(', ')})` +
        (this.params.refitSecond ? `; ${this.second.name} then refitted on all training data` : ''),
    );
    if (this.params.refitSecond) await this.second.fit(train, { seed });
    if (furtherEpochs > 0) {
      if (!this.first.trainFurther) {
        throw new Error(`furtherEpochs: ${this.first.name} cannot train further`);
      }
      await this.first.trainFurther(train, furtherEpochs, options);
      this.reported.push(
        `${this.first.name} then trained ${furtherEpochs} more epoch(s) on all training data`,
      );
    }
  }

  /** furtherEpochs 'auto' (see BlendParams.maxFurtherEpochs): the count and the weight chosen with it. */
  private async chooseFurtherEpochs<Choice extends { best: { weight: number; metric: number } }>(
    rest: TrainingData,
    options: FitOptions,
    atZero: Choice,
    chooseWeight: () => Choice,
    metricName: string,
  ): Promise<{ epochs: number; choice: Choice }> {
    if (!this.first.trainFurther || !this.first.checkpoint) {
      throw new Error(`furtherEpochs: ${this.first.name} cannot train further from a checkpoint`);
    }
    const fitted = await this.first.checkpoint();
    let chosen = { epochs: 0, choice: atZero };
    const curve = [atZero.best.metric];
    try {
      for (let epochs = 1; epochs <= this.params.maxFurtherEpochs; epochs++) {
        await this.first.trainFurther(rest, 1, options);
        const choice = chooseWeight();
        curve.push(choice.best.metric);
        if (!(choice.best.metric > chosen.choice.best.metric)) break;
        chosen = { epochs, choice };
      }
      await fitted.restore();
    } finally {
      fitted.dispose();
    }
    this.reported.push(
      `${chosen.epochs} further epoch(s) chosen on the holdout (blend ${metricName} after 0..${curve.length - 1} ` +
        `further epochs on the rest of training: ${curve.map((m) => m.toFixed(4)).join(', ')})`,
    );
    return chosen;
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    if (this.weight === 1) return this.first.scoreAll(history, out);
    if (this.weight === 0) return this.second.scoreAll(history, out);
    if (this.scratch.length !== out.length) this.scratch = new Float32Array(out.length);
    this.first.scoreAll(history, out);
    this.second.scoreAll(history, this.scratch);
    (this.params.mixing === 'probability' ? mixProbabilities : mix)(out, this.scratch, this.weight);
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const n = out.length / Math.max(1, histories.length);
    if (!this.first.scoreBatch) {
      histories.forEach((h, b) => this.scoreAll(h, out.subarray(b * n, (b + 1) * n)));
      return;
    }
    this.first.scoreBatch(histories, out);
    if (this.weight === 1) return;
    if (this.scratch.length !== n) this.scratch = new Float32Array(n);
    histories.forEach((h, b) => {
      const row = out.subarray(b * n, (b + 1) * n);
      this.second.scoreAll(h, this.scratch);
      if (this.weight === 0) row.set(this.scratch);
      else
        (this.params.mixing === 'probability' ? mixProbabilities : mix)(
          row,
          this.scratch,
          this.weight,
        );
    });
  }

  dispose(): void {
    this.first.dispose?.();
    this.second.dispose?.();
  }
}

/** into = w·z(into) + (1 − w)·z(other); an item either part scores −∞ (excluded) stays −∞. */
export function mix(into: Float32Array, other: Float32Array, weight: number): void {
  const a = standardiser(into);
  const b = standardiser(other);
  for (let i = 0; i < into.length; i++) {
    const x = into[i]!;
    const y = other[i]!;
    into[i] =
      Number.isFinite(x) && Number.isFinite(y)
        ? weight * a(x) + (1 - weight) * b(y)
        : Number.NEGATIVE_INFINITY;
  }
}

/** z-score over the finite entries; a constant row maps to 0. */
function standardiser(scores: Float32Array): (v: number) => number {
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i]!;
    if (!Number.isFinite(v)) continue;
    n++;
    sum += v;
    sq += v * v;
  }
  const mean = n > 0 ? sum / n : 0;
  const sd = n > 0 ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0;
  return sd > 0 ? (v) => (v - mean) / sd : () => 0;
}

/** into = w·softmax(into) + (1 − w)·other / Σ other (other ≥ 0); −∞ in either stays −∞. */
export function mixProbabilities(into: Float32Array, other: Float32Array, weight: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < into.length; i++) if (into[i]! > max) max = into[i]!;
  let z = 0;
  let total = 0;
  for (let i = 0; i < into.length; i++) {
    if (Number.isFinite(into[i]!)) z += Math.exp(into[i]! - max);
    const o = other[i]!;
    if (Number.isFinite(o) && o > 0) total += o;
  }
  for (let i = 0; i < into.length; i++) {
    const x = into[i]!;
    const o = other[i]!;
    if (!Number.isFinite(x) || o === Number.NEGATIVE_INFINITY) {
      into[i] = Number.NEGATIVE_INFINITY;
      continue;
    }
    const p = z > 0 ? Math.exp(x - max) / z : 0;
    const q = total > 0 && o > 0 ? o / total : 0;
    into[i] = weight * p + (1 - weight) * q;
  }
}
