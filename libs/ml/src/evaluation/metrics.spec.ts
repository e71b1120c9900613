import {
  expectedGainsAtK,
  MetricAccumulator,
  metricValue,
  parseMetricKey,
  rankAgainstAll,
  rankAgainstCandidates,
} from './metrics';

const log2 = Math.log2;

/** Brute force: average the metric over every position of the target among its ties. */
function bruteForce(
  greater: number,
  ties: number,
  k: number,
): { hr: number; ndcg: number; mrr: number } {
  let hr = 0;
  let ndcg = 0;
  let mrr = 0;
  for (let r = greater; r <= greater + ties; r++) {
    if (r < k) {
      hr += 1;
      ndcg += 1 / log2(r + 2);
      mrr += 1 / (r + 1);
    }
  }
  const n = ties + 1;
  return { hr: hr / n, ndcg: ndcg / n, mrr: mrr / n };
}

describe('expected metrics under random tie-breaking', () => {
  it('scores a clear first place as 1 everywhere', () => {
    expect(expectedGainsAtK(0, 0, 5)).toEqual({ hr: 1, ndcg: 1, mrr: 1 });
  });

  it('scores a clear third place (rank 2) by hand', () => {
    const g = expectedGainsAtK(2, 0, 5);
    expect(g.hr).toBe(1);
    expect(g.ndcg).toBeCloseTo(0.5, 12); // 1/log2(4)
    expect(g.mrr).toBeCloseTo(1 / 3, 12);
  });

  it('averages over the tie positions, counting only those inside the cut-off', () => {
    // 3 items above, tied with 3 others: ranks 3, 4, 5, 6 each with probability 1/4; @5 keeps 3 and 4.
    const g = expectedGainsAtK(3, 3, 5);
    expect(g.hr).toBeCloseTo(2 / 4, 12);
    expect(g.ndcg).toBeCloseTo((1 / log2(5) + 1 / log2(6)) / 4, 12);
    expect(g.mrr).toBeCloseTo((1 / 4 + 1 / 5) / 4, 12);
    // Tied for first with one other item, k = 1: half a hit.
    expect(expectedGainsAtK(0, 1, 1)).toEqual({ hr: 0.5, ndcg: 0.5, mrr: 0.5 });
  });

  it('is zero once the cut-off is passed, however many ties', () => {
    expect(expectedGainsAtK(10, 0, 10)).toEqual({ hr: 0, ndcg: 0, mrr: 0 });
    expect(expectedGainsAtK(10, 50, 10)).toEqual({ hr: 0, ndcg: 0, mrr: 0 });
  });

  it('gives a constant scorer exactly k/n HR@k', () => {
    expect(expectedGainsAtK(0, 99, 10).hr).toBeCloseTo(10 / 100, 12);
  });

  it('matches brute-force enumeration on a grid of cases', () => {
    for (const k of [1, 5, 10, 20]) {
      for (let greater = 0; greater < 25; greater++) {
        for (let ties = 0; ties < 30; ties += 3) {
          const fast = expectedGainsAtK(greater, ties, k);
          const slow = bruteForce(greater, ties, k);
          expect(fast.hr).toBeCloseTo(slow.hr, 12);
          expect(fast.ndcg).toBeCloseTo(slow.ndcg, 12);
          expect(fast.mrr).toBeCloseTo(slow.mrr, 12);
        }
      }
    }
  });

  it('rejects nonsense counts', () => {
    expect(() => expectedGainsAtK(-1, 0, 5)).toThrow(RangeError);
    expect(() => expectedGainsAtK(0, 0, 0)).toThrow(RangeError);
  });
});

describe('ranking a target', () => {
  //                          0    1    2    3    4    5    6
  const scores = Float32Array.from([0.9, 0.5, 0.5, 0.1, 0.5, 0.7, 0.2]);

  it('counts strictly greater and tied items against all items', () => {
    expect(rankAgainstAll(scores, 1)).toEqual({ greater: 2, ties: 2 }); // 0 and 5 above; 2 and 4 tie
    expect(rankAgainstAll(scores, 0)).toEqual({ greater: 0, ties: 0 });
  });

  it('leaves masked items out of the ranking', () => {
    // mask 0 (above) and 2 (tied): target 1 now has 5 above and 4 tied
    expect(rankAgainstAll(scores, 1, Int32Array.from([0, 2]))).toEqual({ greater: 1, ties: 1 });
    // masking items below the target changes nothing
    expect(rankAgainstAll(scores, 1, Int32Array.from([3, 6]))).toEqual({ greater: 2, ties: 2 });
  });

  it('ranks against an explicit candidate list only', () => {
    expect(rankAgainstCandidates(scores, 1, Int32Array.from([3, 4, 6]))).toEqual({
      greater: 0,
      ties: 1,
    });
    expect(rankAgainstCandidates(scores, 3, Int32Array.from([0, 5, 3]))).toEqual({
      greater: 2,
      ties: 0,
    });
  });

  it('puts NaN scores last and counts a NaN target as a miss', () => {
    const s = Float32Array.from([NaN, 0.5, 0.4]);
    expect(rankAgainstAll(s, 2)).toEqual({ greater: 1, ties: 0 });
    expect(rankAgainstAll(s, 0).greater).toBe(3);
  });
});

describe('MetricAccumulator', () => {
  it('averages expected gains over cases', () => {
    const acc = new MetricAccumulator([1, 5]);
    acc.add({ greater: 0, ties: 0 }); // hit at rank 0
    acc.add({ greater: 0, ties: 1 }); // half at rank 0, half at rank 1
    acc.add({ greater: 7, ties: 0 }); // miss
    const r = acc.result();
    expect(acc.count).toBe(3);
    expect(r.hr[1]).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
    expect(r.hr[5]).toBeCloseTo((1 + 1 + 0) / 3, 12);
    expect(r.ndcg[5]).toBeCloseTo((1 + (1 + 1 / log2(3)) / 2) / 3, 12);
    expect(r.mrr[5]).toBeCloseTo((1 + 0.75) / 3, 12);
    expect(metricValue(r, 'MRR@5')).toBe(r.mrr[5]);
  });

  it('parses metric keys and refuses unknown ones', () => {
    expect(parseMetricKey('ndcg@10')).toEqual({ metric: 'ndcg', k: 10 });
    expect(() => parseMetricKey('recall@10')).toThrow(/hr@10, ndcg@10 or mrr@20/);
    expect(() => metricValue(new MetricAccumulator([5]).result(), 'hr@10')).toThrow(/not computed/);
  });
});
