import type { MetricName } from './metrics';

/**
 * Reference numbers from /work/shared/datasets/README.md (the "datasets
 * README"), shown beside our rows in reports. 'published' = a paper's or its
 * authors' number on the same split; 'measured' = the README's own baseline
 * runs on a 2-core machine like ours (expected values under random
 * tie-breaking). Fractions, not percent.
 */
export interface Anchor {
  readonly name: string;
  readonly source: 'published' | 'measured';
  readonly note?: string;
  /** Our model name this row is the reference for (measured baselines). */
  readonly model?: string;
  readonly metrics: Partial<Record<MetricName, Record<number, number>>>;
}

export interface AnchorSet {
  readonly dataset: string;
  readonly protocol: string;
  readonly anchors: readonly Anchor[];
}

const hrNdcg10 = (hr: number, ndcg: number): Anchor['metrics'] => ({
  hr: { 10: hr },
  ndcg: { 10: ndcg },
});
const p20mrr20 = (p: number, mrr: number): Anchor['metrics'] => ({
  hr: { 20: p / 100 },
  mrr: { 20: mrr / 100 },
});

export const BEAUTY_LOO_FULL_ANCHORS: AnchorSet = {
  dataset: 'Amazon Beauty (S3-Rec preprocessing)',
  protocol: 'loo-full',
  anchors: [
    {
      name: 'ICLRec',
      source: 'published',
      note: "authors' README, expected results of the released model",
      metrics: {
        hr: { 5: 0.05, 10: 0.0744, 20: 0.1058 },
        ndcg: { 5: 0.0326, 10: 0.0403, 20: 0.0483 },
      },
    },
    {
      name: 'most popular',
      source: 'measured',
      model: 'popularity',
      metrics: hrNdcg10(0.0115, 0.0054),
    },
    {
      name: 'first-order Markov, popularity tie-break',
      source: 'measured',
      model: 'markov',
      metrics: hrNdcg10(0.0668, 0.0439),
    },
    {
      name: 'item-kNN (cosine, recency-weighted history)',
      source: 'measured',
      model: 'itemknn',
      metrics: hrNdcg10(0.0649, 0.0395),
    },
    {
      name: 'EASE (lambda 50)',
      source: 'measured',
      model: 'ease',
      metrics: hrNdcg10(0.0699, 0.0386),
    },
    {
      name: 'SASRec (PyTorch, 40 epochs)',
      source: 'measured',
      note: 'hidden 50, 2 blocks, maxlen 50, BCE with one negative; 24 s/epoch',
      metrics: hrNdcg10(0.0441, 0.0219),
    },
  ],
};

export const DIGINETICA_SESSION_PREFIX_ANCHORS: AnchorSet = {
  dataset: 'Diginetica (SR-GNN preprocessing)',
  protocol: 'session-prefix',
  anchors: [
    { name: 'SR-GNN', source: 'published', metrics: p20mrr20(50.73, 17.59) },
    { name: 'GCE-GNN', source: 'published', metrics: p20mrr20(54.22, 19.04) },
    {
      name: 'most popular',
      source: 'measured',
      model: 'popularity',
      metrics: p20mrr20(0.93, 0.21),
    },
    { name: 'Markov', source: 'measured', model: 'markov', metrics: p20mrr20(34.08, 12.91) },
    {
      name: 'session-kNN (SKNN)',
      source: 'measured',
      model: 'sknn',
      metrics: p20mrr20(49.6, 17.39),
    },
    { name: 'V-SKNN', source: 'measured', metrics: p20mrr20(51.19, 18.06) },
    { name: 'STAN', source: 'measured', model: 'stan', metrics: p20mrr20(51.34, 18.58) },
  ],
};

/** The anchors for a dataset (matched on its name) and protocol, if we have any. */
export function anchorsFor(datasetName: string, protocol: string): AnchorSet | undefined {
  if (/beauty/i.test(datasetName) && protocol === 'loo-full') return BEAUTY_LOO_FULL_ANCHORS;
  if (/diginetica/i.test(datasetName) && protocol === 'session-prefix')
    return DIGINETICA_SESSION_PREFIX_ANCHORS;
  return undefined;
}
