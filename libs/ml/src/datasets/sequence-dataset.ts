/**
 * The in-memory shape every offline data source produces: the public-dataset
 * loaders here, and later a builder that reads Pulse's own event store. It
 * knows nothing about file formats. Items are dense 0-based ints so models can
 * index typed arrays directly; `ItemIndex` maps them back to external ids.
 *
 * Sequences are stored CSR-style (one flat Int32Array plus offsets) because a
 * few hundred thousand small Int32Arrays cost far more memory and GC time
 * than the data itself.
 */

/** A list of item sequences, each in chronological order. */
export interface Sequences {
  /** offsets[i]..offsets[i+1] is sequence i inside `items`; length = count + 1. */
  readonly offsets: Int32Array;
  /** Dense item ids of all sequences, concatenated. */
  readonly items: Int32Array;
}

/** A set of next-item cases: a history (context) and the one item that followed it. */
export interface PrefixTargetCases {
  readonly prefixes: Sequences;
  readonly targets: Int32Array;
}

export interface SequenceDataset {
  /** Short human name, e.g. "Beauty" or "diginetica"; report renderers match anchors on it. */
  readonly name: string;
  /**
   * What one sequence is: all of one user's interactions ('users') or one
   * anonymous visit ('sessions'). Protocols and models may treat them the same.
   */
  readonly kind: 'users' | 'sessions';
  readonly items: ItemIndex;
  /** The interaction sequences (for 'sessions' datasets with held-out cases: the training sessions). */
  readonly sequences: Sequences;
  /** External key per sequence (user id), when the source has one. */
  readonly sequenceKeys?: readonly string[];
  /**
   * A time per sequence (its last event), in any monotone unit. When the source
   * has no clock but its order is chronological, loaders put the ordinal here.
   * Absent means "no usable order", and time-aware models switch their time factors off.
   */
  readonly times?: Float64Array;
  /** Cases fixed by the data's publisher (e.g. Diginetica's test prefixes); protocols use them when present. */
  readonly heldOut?: PrefixTargetCases;
}

/** Dense <-> external item ids. Dense ids are assigned in order of first appearance. */
export class ItemIndex {
  private readonly byExternal = new Map<string, number>();
  private readonly external: string[] = [];

  static fromExternalIds(ids: Iterable<string>): ItemIndex {
    const index = new ItemIndex();
    for (const id of ids) index.intern(id);
    return index;
  }

  get size(): number {
    return this.external.length;
  }

  /** The dense id of `externalId`, adding it when new. */
  intern(externalId: string): number {
    const known = this.byExternal.get(externalId);
    if (known !== undefined) return known;
    const id = this.external.length;
    this.byExternal.set(externalId, id);
    this.external.push(externalId);
    return id;
  }

  /** The dense id, or undefined for an unknown item. */
  toDense(externalId: string): number | undefined {
    return this.byExternal.get(externalId);
  }

  toExternal(denseId: number): string {
    const id = this.external[denseId];
    if (id === undefined) throw new RangeError(`no item with dense id ${denseId}`);
    return id;
  }

  externalIds(): readonly string[] {
    return this.external;
  }
}

export function sequenceCount(sequences: Sequences): number {
  return sequences.offsets.length - 1;
}

/** Sequence i as a zero-copy view. */
export function sequenceAt(sequences: Sequences, i: number): Int32Array {
  return sequences.items.subarray(sequences.offsets[i], sequences.offsets[i + 1]);
}

export function totalLength(sequences: Sequences): number {
  return sequences.offsets[sequences.offsets.length - 1];
}

/** Grows a CSR `Sequences` one sequence at a time without per-sequence allocation. */
export class SequencesBuilder {
  private items: Int32Array;
  private offsets: Int32Array;
  private count = 0;
  private length = 0;

  constructor(expectedSequences = 1024, expectedItems = 8192) {
    this.items = new Int32Array(Math.max(16, expectedItems));
    this.offsets = new Int32Array(Math.max(16, expectedSequences + 1));
  }

  get size(): number {
    return this.count;
  }

  /** Appends one item to the sequence being built (call `endSequence` to close it). */
  pushItem(item: number): void {
    if (this.length === this.items.length) {
      const grown = new Int32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.length++] = item;
  }

  endSequence(): void {
    if (this.count + 2 > this.offsets.length) {
      const grown = new Int32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.count++;
    this.offsets[this.count] = this.length;
  }

  push(sequence: ArrayLike<number>): void {
    for (let i = 0; i < sequence.length; i++) this.pushItem(sequence[i]);
    this.endSequence();
  }

  build(): Sequences {
    return {
      offsets: this.offsets.slice(0, this.count + 1),
      items: this.items.slice(0, this.length),
    };
  }
}

export function sequencesFromArrays(sequences: readonly ArrayLike<number>[]): Sequences {
  const builder = new SequencesBuilder(sequences.length);
  for (const s of sequences) builder.push(s);
  return builder.build();
}

export function sequencesToArrays(sequences: Sequences): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < sequenceCount(sequences); i++) out.push(Array.from(sequenceAt(sequences, i)));
  return out;
}

/** Selects sequences by index (in the given order). */
export function selectSequences(sequences: Sequences, indices: ArrayLike<number>): Sequences {
  const builder = new SequencesBuilder(indices.length);
  for (let k = 0; k < indices.length; k++) builder.push(sequenceAt(sequences, indices[k]));
  return builder.build();
}

/**
 * Every prefix -> next-item pair of the given sequences (the training examples
 * of SR-GNN-style session models, and the cases of a session-prefix split).
 * Sequence [a, b, c] yields [a] -> b and [a, b] -> c.
 */
export function expandPrefixes(sequences: Sequences): PrefixTargetCases {
  const builder = new SequencesBuilder(totalLength(sequences));
  const targets: number[] = [];
  for (let i = 0; i < sequenceCount(sequences); i++) {
    const s = sequenceAt(sequences, i);
    for (let t = 1; t < s.length; t++) {
      builder.push(s.subarray(0, t));
      targets.push(s[t]);
    }
  }
  return { prefixes: builder.build(), targets: Int32Array.from(targets) };
}

/** Summary numbers, useful in logs and reports. */
export function describeDataset(dataset: SequenceDataset): {
  name: string;
  kind: SequenceDataset['kind'];
  items: number;
  sequences: number;
  interactions: number;
  heldOutCases: number;
} {
  return {
    name: dataset.name,
    kind: dataset.kind,
    items: dataset.items.size,
    sequences: sequenceCount(dataset.sequences),
    interactions: totalLength(dataset.sequences),
    heldOutCases: dataset.heldOut ? dataset.heldOut.targets.length : 0,
  };
}
