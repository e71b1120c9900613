import { valueAt } from '@pulse/platform/time/decay';
import type {
  CandidateGenerator,
  GeneratedCandidate,
  GeneratorInput,
} from '../candidates/candidate-generator';
import { keepTopItems } from '../candidates/candidate-pool';
import { coOccurrenceSources } from './co-occurrence-sources';

/**
 * "Often viewed / bought with": the alsoViewed and alsoBought neighbours of
 * the source items (see coOccurrenceSources). A neighbour scores
 *
 *   relation weight · source weight · strength,
 *   strength = its decayed score / (the source's strongest neighbour + prior)
 *
 * so a neighbour counts by how strongly it goes with its source compared to
 * the source's other neighbours, lists built on one or two co-occurrences
 * count less (prior), and an item reached from several sources adds up.
 * Feeds the `coOccurrence` signal.
 */
export const coOccurrenceGenerator: CandidateGenerator = {
  name: 'co_occurrence',
  signal: { name: 'coOccurrence', normalization: 'max' },
  async generate({ data, now, context, interest, budget, settings }: GeneratorInput) {
    const sources = coOccurrenceSources(context, interest, now, settings);
    if (sources.length === 0) return [];
    const statistics = await data.statisticsByIds(sources.map((source) => source.itemId));
    const weights =
      context.kind === 'cart' ? settings.cartRelationWeights : settings.relationWeights;
    const candidates: GeneratedCandidate[] = [];
    for (const source of sources) {
      const doc = statistics.get(source.itemId);
      if (!doc) continue;
      const lists = [
        {
          relation: 'also_viewed' as const,
          neighbours: doc.alsoViewed,
          weight: weights.alsoViewed,
        },
        {
          relation: 'also_bought' as const,
          neighbours: doc.alsoBought,
          weight: weights.alsoBought,
        },
      ];
      for (const { relation, neighbours, weight } of lists) {
        if (!(weight > 0) || neighbours.length === 0) continue;
        const values = neighbours.map((n) =>
          valueAt(n.score, now, doc.scoring.neighbourHalfLifeMs),
        );
        const strongest = Math.max(...values);
        neighbours.forEach((neighbour, index) => {
          if (neighbour.itemId === source.itemId) return;
          const strength = values[index]! / (strongest + settings.neighbourPrior);
          const score = weight * source.weight * strength;
          if (!(score > 0)) return;
          candidates.push({
            itemId: neighbour.itemId,
            score,
            evidence: { kind: 'co_occurrence', relation, source, strength },
          });
        });
      }
    }
    return keepTopItems(candidates, budget);
  },
};
