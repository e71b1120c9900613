/**
 * Whether an incrementally trained candidate replaces the serving weights:
 * the pure rule. It must be judged on enough recent cases, its loss must be
 * finite, and its holdout metric must not be worse than the serving model's
 * (beyond `tolerance`). Otherwise the serving weights stay, and the reason
 * says why, for the ModelIncrementallyUpdated event.
 */
export interface SwapInput {
  readonly metricName: string;
  readonly servingMetric: number;
  readonly candidateMetric: number;
  readonly holdoutCases: number;
  readonly trainingLoss: number;
  readonly examplesTrained: number;
}

export interface SwapPolicy {
  readonly minHoldoutCases: number;
  readonly tolerance: number;
}

export interface SwapDecision {
  readonly swap: boolean;
  readonly reason: string;
}

const f = (value: number) => value.toFixed(4);

export function decideSwap(input: SwapInput, policy: SwapPolicy): SwapDecision {
  if (input.examplesTrained === 0) return { swap: false, reason: 'no example of the batch is an item the model knows' };
  if (!Number.isFinite(input.trainingLoss)) return { swap: false, reason: `training loss is ${input.trainingLoss}` };
  if (input.holdoutCases < policy.minHoldoutCases) {
    return {
      swap: false,
      reason: `holdout has ${input.holdoutCases} cases, fewer than the ${policy.minHoldoutCases} needed to judge`,
    };
  }
  const comparison = `${input.metricName} ${f(input.candidateMetric)} vs serving ${f(input.servingMetric)} on ${input.holdoutCases} recent cases`;
  if (input.candidateMetric + policy.tolerance < input.servingMetric) return { swap: false, reason: `worse: ${comparison}` };
  return { swap: true, reason: `not worse: ${comparison}` };
}
