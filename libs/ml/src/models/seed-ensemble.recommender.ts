import type {
  FitOptions,
  ModelCheckpoint,
  Recommender,
  TrainingData,
} from '../evaluation/recommender';

/** Seed of member i: member 0 keeps the caller's seed, so a one-member ensemble is the model itself. */
export const memberSeed = (seed: number, member: number): number => seed + member * 1000;

/**
 * The same model trained several times from different seeds, scored by the
 * mean of the members' scores. For softmax models that is the mean of their
 * logits (a product of their distributions, renormalised): what the members
 * agree on rises, what one seed happened to learn falls back. Members must
 * score on one scale (copies of one model with one configuration), which is
 * why this takes a factory rather than arbitrary models; mixing different
 * models is the blend's job (z-scores, blend.recommender.ts).
 *
 * Costs n times the training and scoring of one member.
 */
export class SeedEnsembleRecommender implements Recommender {
  readonly name: string;
  private readonly members: Recommender[];
  private scratch = new Float32Array(0);
  private lastSeed = 42;

  constructor(createMember: () => Recommender, size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new RangeError(`members: must be a whole number >= 1, got ${size}`);
    }
    this.members = Array.from({ length: size }, createMember);
    this.name = size === 1 ? this.members[0]!.name : `${this.members[0]!.name}×${size}`;
  }

  get size(): number {
    return this.members.length;
  }

  get notes(): readonly string[] {
    if (this.members.length === 1) return this.members[0]!.notes ?? [];
    return [
      `mean of ${this.members.length} members' scores, trained from seeds ${this.seedsOf(this.lastSeed).join(', ')}`,
      ...this.members.flatMap((m, i) => (m.notes ?? []).map((n) => `member ${i + 1}: ${n}`)),
    ];
  }

  private seedsOf(seed: number): number[] {
    return this.members.map((_, i) => memberSeed(seed, i));
  }

  async fit(train: TrainingData, options: FitOptions = {}): Promise<void> {
    this.lastSeed = options.seed ?? 42;
    const n = this.members.length;
    for (const [i, member] of this.members.entries()) {
      await member.fit(train, {
        seed: memberSeed(this.lastSeed, i),
        onProgress: options.onProgress
          ? (p) =>
              options.onProgress!({
                fraction: (i + p.fraction) / n,
                message:
                  n > 1 ? `member ${i + 1}/${n}${p.message ? ` ${p.message}` : ''}` : p.message,
              })
          : undefined,
      });
    }
  }

  async trainFurther(train: TrainingData, epochs: number, options: FitOptions = {}): Promise<void> {
    const unable = this.members.find((m) => !m.trainFurther);
    if (unable) throw new Error(`furtherEpochs: ${unable.name} cannot train further`);
    const seed = options.seed ?? this.lastSeed;
    for (const [i, member] of this.members.entries()) {
      await member.trainFurther!(train, epochs, { ...options, seed: memberSeed(seed, i) });
    }
  }

  async checkpoint(): Promise<ModelCheckpoint> {
    const unable = this.members.find((m) => !m.checkpoint);
    if (unable) throw new Error(`${unable.name} cannot save a checkpoint`);
    const saved: ModelCheckpoint[] = [];
    for (const member of this.members) saved.push(await member.checkpoint!());
    return {
      restore: async () => {
        for (const c of saved) await c.restore();
      },
      dispose: () => saved.forEach((c) => c.dispose()),
    };
  }

  scoreAll(history: Int32Array, out: Float32Array): void {
    this.members[0]!.scoreAll(history, out);
    if (this.members.length === 1) return;
    if (this.scratch.length !== out.length) this.scratch = new Float32Array(out.length);
    for (const member of this.members.slice(1)) {
      member.scoreAll(history, this.scratch);
      accumulate(out, this.scratch);
    }
    scale(out, 1 / this.members.length);
  }

  scoreBatch(histories: readonly Int32Array[], out: Float32Array): void {
    const score = (member: Recommender, into: Float32Array) => {
      if (member.scoreBatch) return member.scoreBatch(histories, into);
      const n = into.length / Math.max(1, histories.length);
      histories.forEach((h, b) => member.scoreAll(h, into.subarray(b * n, (b + 1) * n)));
    };
    score(this.members[0]!, out);
    if (this.members.length === 1) return;
    if (this.scratch.length !== out.length) this.scratch = new Float32Array(out.length);
    for (const member of this.members.slice(1)) {
      score(member, this.scratch);
      accumulate(out, this.scratch);
    }
    scale(out, 1 / this.members.length);
  }

  dispose(): void {
    for (const member of this.members) member.dispose?.();
  }
}

/** into += other; −∞ (an excluded item) in either stays −∞. */
function accumulate(into: Float32Array, other: Float32Array): void {
  for (let i = 0; i < into.length; i++) into[i] = into[i]! + other[i]!;
}

function scale(values: Float32Array, factor: number): void {
  for (let i = 0; i < values.length; i++) values[i] = values[i]! * factor;
}
