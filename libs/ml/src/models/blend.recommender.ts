import { metricValue, parseMetricKey } from '../evaluation/metrics';
import type { FitOptions, Recommender, TrainingData } from '../evaluation/recommender';
import { carveHoldout } from '../training/validation-holdout';
import {
  blendScores,
  type Mixing,
  objectiveValue,
  parseObjective,
  scoreWeights,
} from './blend.weights';

export interface BlendParams {
  /** Weights of the first part tried on the holdout (the second gets 1 − w). */
  readonly weights: readonly number[];
  /** Sequences carved from the training data to choose the weight on. */
  readonly holdoutSequences: number;
  /** Holdout cases scored (a seeded subset when the holdout has more; each part scores a case once for all weights). */
  readonly tuneCases: number;
  /**
   * What the weight (and an 'auto' count of further epochs) maximises on the
   * holdout: a metric key or a sum of them. Undefined: 'hr@20+mrr@20' on
   * sessions (P@20 and MRR@20, the two figures session-based papers report),
   * 'ndcg@10' on user histories.
   */
  readonly objective?: string;
  /**
   * How the parts' scores meet: 'z' standardises each over the catalogue;
   * 'probability' mixes the first part's softmax with the second's scores
   * scaled to sum to 1 (for a non-negative neighbourhood score).
   */
  readonly mixing: Mixing;
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
  // ~19,000 prefix cases on Diginetica: every one is scored, so weight and
  // epoch choices differ by more than the sampling noise of 3,000 cases.
  holdoutSequences: 5000,
  tuneCases: 20000,
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
    if (params.objective !== undefined) parseObjective(params.objective); // fails now, naming the key
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
    const name = this.params.objective ?? (sessions ? 'hr@20+mrr@20' : 'ndcg@10');
    const objective = parseObjective(name);
    const ks = [...new Set(objective.map((key) => parseMetricKey(key).k))];
    const chooseWeight = () => {
      const tried = scoreWeights(this.first, this.second, holdout.split, this.params.weights, {
        mixing: this.params.mixing,
        ks,
        seed,
        maxCases: this.params.tuneCases,
      }).map(({ weight, metrics }) => ({
        weight,
        metric: objectiveValue(metrics, objective),
        parts: objective.map((key) => `${key} ${metricValue(metrics, key).toFixed(4)}`).join(', '),
      }));
      return { tried, best: tried.reduce((a, b) => (b.metric > a.metric ? b : a)) };
    };
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
        `(${name} ${best.metric.toFixed(4)}${objective.length > 1 ? ` = ${best.parts}` : ''}; ${[...alone(1, this.first.name), ...alone(0, this.second.name)].join(', ')})` +
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
    blendScores(out, this.scratch, this.weight, this.params.mixing);
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
      this.second.scoreAll(h, this.scratch);
      blendScores(out.subarray(b * n, (b + 1) * n), this.scratch, this.weight, this.params.mixing);
    });
  }

  dispose(): void {
    this.first.dispose?.();
    this.second.dispose?.();
  }
}
