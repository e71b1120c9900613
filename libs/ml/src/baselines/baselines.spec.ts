import { sequencesFromArrays } from '../datasets/sequence-dataset';
import type { Recommender, TrainingData } from '../evaluation/recommender';
import { EaseRecommender } from './ease.recommender';
import { ItemKnnRecommender } from './item-knn.recommender';
import { MarkovRecommender } from './markov.recommender';
import { PopularityRecommender } from './popularity.recommender';
import { SessionKnnRecommender } from './session-knn.recommender';
import { invertSpdInPlace } from './spd-inverse';

function train(seqs: number[][], numItems: number, times?: number[]): TrainingData {
  return {
    numItems,
    kind: 'sessions',
    sequences: sequencesFromArrays(seqs),
    times: times ? Float64Array.from(times) : undefined,
  };
}

function scores(model: Recommender, history: number[], numItems: number): number[] {
  const out = new Float32Array(numItems).fill(NaN);
  model.scoreAll(Int32Array.from(history), out);
  return Array.from(out);
}

/** Item ids by descending score (stable by id for equal scores). */
const ranking = (s: number[]): number[] =>
  s
    .map((v, i) => [v, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .map((x) => x[1]);

describe('popularity', () => {
  it('ranks items by training interaction count for any history', () => {
    const m = new PopularityRecommender();
    m.fit(
      train(
        [
          [0, 1, 1],
          [1, 2],
          [1, 2, 3],
        ],
        5,
      ),
    );
    const s = scores(m, [4], 5);
    expect(s).toEqual([1, 4, 2, 1, 0]);
    expect(ranking(s).slice(0, 2)).toEqual([1, 2]);
  });
});

describe('first-order Markov', () => {
  const data = train(
    [
      [0, 1],
      [0, 1],
      [0, 2],
      [3, 3, 3, 3, 3],
      [4, 2],
    ],
    6,
  );

  it('predicts the observed successor of the last item, most frequent first', () => {
    const m = new MarkovRecommender();
    m.fit(data);
    const r = ranking(scores(m, [2, 0], 6));
    expect(r.slice(0, 2)).toEqual([1, 2]);
  });

  it('breaks ties (and unseen transitions) by popularity', () => {
    const m = new MarkovRecommender();
    m.fit(data);
    // after 1 nothing was ever observed: pure popularity (3 > 0 > 1 = 2 > 4 > 5)
    const s = scores(m, [1], 6);
    expect(ranking(s).slice(0, 2)).toEqual([3, 0]);
    expect(s[1]).toBe(s[2]);
    expect(s[5]).toBeLessThan(s[4]);
  });

  it('leaves ties when asked to, and falls back to popularity for an empty history', () => {
    const m = new MarkovRecommender({ popularityTieBreak: false });
    m.fit(data);
    const s = scores(m, [0], 6);
    expect(s[1]).toBeGreaterThan(s[2]);
    expect(new Set([s[0], s[3], s[4], s[5]]).size).toBe(1);
    const p = new MarkovRecommender();
    p.fit(data);
    expect(ranking(scores(p, [], 6))[0]).toBe(3);
  });
});

describe('item-kNN', () => {
  const data = train(
    [
      [0, 1],
      [0, 1],
      [0, 2],
      [2, 3],
    ],
    5,
  );

  it('scores by cosine co-occurrence with the history items', () => {
    const m = new ItemKnnRecommender({ recencyDecay: 1 });
    m.fit(data);
    const s = scores(m, [0], 5);
    // item 0 is in 3 sequences, 1 in 2 (both with 0), 2 in 2 (one with 0)
    expect(s[1]).toBeCloseTo(2 / Math.sqrt(3 * 2), 6);
    expect(s[2]).toBeCloseTo(1 / Math.sqrt(3 * 2), 6);
    expect(s[3]).toBe(0);
    expect(s[0]).toBe(0); // no self-similarity
  });

  it('weights recent history items more', () => {
    const m = new ItemKnnRecommender({ recencyDecay: 0.1 });
    m.fit(data);
    // history ends with 3, whose only neighbour is 2
    expect(ranking(scores(m, [1, 3], 5))[0]).toBe(2);
    // history ends with 1, whose only neighbour is 0
    expect(ranking(scores(m, [3, 1], 5))[0]).toBe(0);
  });

  it('keeps only the top neighbours when asked', () => {
    const m = new ItemKnnRecommender({ recencyDecay: 1, neighbors: 1 });
    m.fit(data);
    const s = scores(m, [0], 5);
    expect(s[1]).toBeGreaterThan(0);
    expect(s[2]).toBe(0);
  });
});

describe('session-kNN and STAN', () => {
  // Sessions in time order; the current session is [0, 1].
  const sessions = [
    [0, 1, 2], // shares 0 and 1
    [1, 5], // shares 1
    [7, 8], // shares nothing
    [0, 9, 4], // shares 0
  ];
  const data = train(sessions, 10, [0, 1, 2, 3]);

  it('SKNN: neighbours vote with their cosine similarity', () => {
    const m = new SessionKnnRecommender({ k: 10 });
    m.fit(data);
    const s = scores(m, [0, 1], 10);
    const simA = 2 / Math.sqrt(2 * 3);
    const simB = 1 / Math.sqrt(2 * 2);
    const simD = 1 / Math.sqrt(2 * 3);
    expect(s[2]).toBeCloseTo(simA, 6);
    expect(s[5]).toBeCloseTo(simB, 6);
    expect(s[4]).toBeCloseTo(simD, 6);
    expect(s[1]).toBeCloseTo(simA + simB, 6); // history items are scored too (repeats happen)
    expect(s[7]).toBe(0);
    expect(ranking(s)[0]).toBe(1);
  });

  it('SKNN: only the k most similar sessions vote, and sampling keeps the most recent candidates', () => {
    const top1 = new SessionKnnRecommender({ k: 1 });
    top1.fit(data);
    const s = scores(top1, [0, 1], 10);
    expect(s[2]).toBeGreaterThan(0);
    expect(s[5]).toBe(0);
    const recent = new SessionKnnRecommender({ k: 10, sampleSize: 1 });
    recent.fit(data);
    const r = scores(recent, [0, 1], 10);
    expect(r[4]).toBeGreaterThan(0); // session 3 is the most recent one sharing an item
    expect(r[2]).toBe(0);
  });

  it('STAN with every factor off is SKNN', () => {
    const sknn = new SessionKnnRecommender({ k: 2 });
    const stan = new SessionKnnRecommender(
      { k: 2, lambdaSpw: 0, lambdaSnh: 0, lambdaInh: 0 },
      'stan',
    );
    sknn.fit(data);
    stan.fit(data);
    expect(scores(stan, [1, 0], 10)).toEqual(scores(sknn, [1, 0], 10));
  });

  it('STAN: hand-computed scores with all three factors', () => {
    const l1 = 1;
    const l2 = 2;
    const l3 = 1.5;
    const m = new SessionKnnRecommender(
      { k: 10, lambdaSpw: l1, lambdaSnh: l2, lambdaInh: l3 },
      'stan',
    );
    m.fit(data);
    const s = scores(m, [0, 1], 10);
    // current session weights: item 0 at position 1 of 2 -> e^-1, item 1 -> 1
    const w0 = Math.exp(-1 / l1);
    const w1 = 1;
    const norm = Math.sqrt(w0 * w0 + w1 * w1);
    // t_now = newest candidate (session 3, t=3)
    const simA = ((w0 + w1) / (norm * Math.sqrt(3))) * Math.exp(-(3 - 0) / l2);
    const simB = (w1 / (norm * Math.sqrt(2))) * Math.exp(-(3 - 1) / l2);
    const simD = (w0 / (norm * Math.sqrt(3))) * Math.exp(-(3 - 3) / l2);
    const inh = (d: number): number => Math.exp(-d / l3);
    // session A = [0,1,2]: p* = 2 (item 1); item 2 at 3 -> distance 1
    // session B = [1,5]: p* = 1; item 5 at 2 -> distance 1
    // session D = [0,9,4]: p* = 1; item 4 at 3 -> distance 2, item 9 at 2 -> 1
    expect(s[2]).toBeCloseTo(simA * inh(1), 6);
    expect(s[5]).toBeCloseTo(simB * inh(1), 6);
    expect(s[4]).toBeCloseTo(simD * inh(2), 6);
    expect(s[9]).toBeCloseTo(simD * inh(1), 6);
    expect(s[0]).toBeCloseTo(simA * inh(1) + simD * inh(0), 6);
    expect(s[1]).toBeCloseTo(simA * inh(0) + simB * inh(0), 6);
  });

  it('ignores the time factor and sampling without times, and says so', () => {
    const m = new SessionKnnRecommender({ k: 10, sampleSize: 1, lambdaSnh: 5 }, 'stan');
    m.fit(train(sessions, 10));
    expect(m.notes.join(' ')).toMatch(/sampleSize=1 ignored/);
    expect(m.notes.join(' ')).toMatch(/lambdaSnh ignored/);
    expect(scores(m, [0, 1], 10)[2]).toBeGreaterThan(0);
  });

  it('returns all zeros for a history of unknown items', () => {
    const m = new SessionKnnRecommender();
    m.fit(data);
    expect(scores(m, [], 10).every((v) => v === 0)).toBe(true);
  });
});

/** Plain Gauss-Jordan with partial pivoting, as an independent reference. */
function naiveInverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let j = 0; j < 2 * n; j++) m[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let j = 0; j < 2 * n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return m.map((row) => row.slice(n));
}

describe('dense SPD inverse', () => {
  it('matches Gauss-Jordan across block boundaries and odd sizes', () => {
    let seed = 3;
    const rnd = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (const [n, nb] of [
      [1, 4],
      [7, 4],
      [37, 8],
      [50, 128],
    ]) {
      const x = Array.from({ length: 2 * n }, () =>
        Array.from({ length: n }, () => (rnd() < 0.3 ? 1 : 0)),
      );
      const g = Array.from({ length: n }, (_, i) =>
        Array.from(
          { length: n },
          (_, j) => x.reduce((s, r) => s + r[i] * r[j], 0) + (i === j ? 0.7 : 0),
        ),
      );
      const a = Float64Array.from(g.flat());
      invertSpdInPlace(a, n, { blockSize: nb });
      const ref = naiveInverse(g);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) expect(a[i * n + j]).toBeCloseTo(ref[i][j], 9);
    }
  });

  it('refuses a matrix that is not positive definite', () => {
    expect(() => invertSpdInPlace(Float64Array.from([1, 2, 2, 1]), 2)).toThrow(
      /not positive definite/,
    );
  });
});

describe('EASE', () => {
  const seqs = [
    [0, 1],
    [0, 1, 2],
    [1, 2],
    [2, 3],
    [0, 3, 3],
  ];
  const n = 5; // item 4 never occurs
  const lambda = 0.5;

  function closedForm(): number[][] {
    const x = seqs.map((s) => Array.from({ length: 4 }, (_, i) => (s.includes(i) ? 1 : 0)));
    const g = Array.from({ length: 4 }, (_, i) =>
      Array.from(
        { length: 4 },
        (_, j) => x.reduce((acc, r) => acc + r[i] * r[j], 0) + (i === j ? lambda : 0),
      ),
    );
    const p = naiveInverse(g);
    return p.map((row, i) => row.map((v, j) => (i === j ? 0 : -v / p[j][j])));
  }

  it('learns B = I - P diag(1/diag P) and scores a history by summing its rows', () => {
    const m = new EaseRecommender({ lambda });
    m.fit(train(seqs, n));
    const { size, items, b } = m.weights();
    expect(size).toBe(4);
    const ref = closedForm();
    for (let r = 0; r < size; r++) {
      for (let c = 0; c < size; c++)
        expect(b[r * size + c]).toBeCloseTo(ref[items[r]][items[c]], 9);
    }
    const s = scores(m, [0, 1, 0], n);
    for (let j = 0; j < 4; j++) expect(s[j]).toBeCloseTo(ref[0][j] + ref[1][j], 5);
    expect(s[4]).toBe(-Infinity); // never seen in training
    expect(m.notes.join(' ')).toMatch(/1 items never seen/);
  });

  it('restricts to the most frequent items when asked, and says so', () => {
    const m = new EaseRecommender({ lambda, maxItems: 2 });
    m.fit(train(seqs, n));
    const { items } = m.weights();
    expect(Array.from(items)).toEqual([0, 1]); // 0, 1 and 2 occur in 3 sequences; ties by id
    expect(m.notes.join(' ')).toMatch(/restricted to the 2 most frequent of 4 training items/);
    const s = scores(m, [0], n);
    expect(s[2]).toBe(-Infinity);
    expect(s[1]).toBeGreaterThan(-Infinity);
  });

  it('refuses a matrix over its memory limit instead of exhausting memory', () => {
    const m = new EaseRecommender({ lambda, maxMatrixBytes: 64 });
    expect(() => m.fit(train(seqs, n))).toThrow(/set maxItems/);
  });
});
