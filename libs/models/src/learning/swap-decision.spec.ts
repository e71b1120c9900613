import { decideSwap, type SwapInput } from './swap-decision';

const base: SwapInput = {
  metricName: 'ndcg@10',
  servingMetric: 0.2,
  candidateMetric: 0.2,
  holdoutCases: 100,
  trainingLoss: 3.1,
  examplesTrained: 50,
};
const policy = { minHoldoutCases: 20, tolerance: 0 };

describe('swap or keep', () => {
  it('given an equal holdout metric, when decided, then it swaps (not worse)', () => {
    const decision = decideSwap(base, policy);
    expect(decision.swap).toBe(true);
    expect(decision.reason).toContain('not worse: ndcg@10 0.2000 vs serving 0.2000 on 100 recent cases');
  });

  it('given a better metric, when decided, then it swaps', () => {
    expect(decideSwap({ ...base, candidateMetric: 0.25 }, policy).swap).toBe(true);
  });

  it('given a worse metric, when decided, then it keeps the serving weights and says by how much', () => {
    const decision = decideSwap({ ...base, candidateMetric: 0.19 }, policy);
    expect(decision).toEqual({ swap: false, reason: 'worse: ndcg@10 0.1900 vs serving 0.2000 on 100 recent cases' });
  });

  it('given a worse metric within the tolerance, when decided, then it swaps', () => {
    expect(decideSwap({ ...base, candidateMetric: 0.19 }, { ...policy, tolerance: 0.02 }).swap).toBe(true);
  });

  it('given too few holdout cases, when decided, then it keeps', () => {
    const decision = decideSwap({ ...base, holdoutCases: 5, candidateMetric: 0.9 }, policy);
    expect(decision.swap).toBe(false);
    expect(decision.reason).toContain('5 cases, fewer than the 20');
  });

  it('given a diverged loss, when decided, then it keeps', () => {
    expect(decideSwap({ ...base, trainingLoss: Number.NaN, candidateMetric: 0.9 }, policy)).toEqual({ swap: false, reason: 'training loss is NaN' });
  });

  it('given nothing trained, when decided, then it keeps', () => {
    expect(decideSwap({ ...base, examplesTrained: 0 }, policy).swap).toBe(false);
  });
});
