import type { CandidateGenerator, GeneratedCandidate } from './candidate-generator';
import type { Evidence } from './evidence';

export interface MergedCandidate {
  readonly itemId: string;
  readonly evidence: Evidence[];
  readonly sources: string[];
  /** Generator-fed signal → summed raw score. */
  readonly raw: Map<string, number>;
}

/**
 * One entry per item, in first-proposed order (generators in plan order):
 * all evidence kept, raw scores of signal-feeding generators summed per
 * signal. `extra` lists (the promotion's) add evidence but feed no signal.
 */
export function mergeCandidates(
  generated: readonly {
    generator: CandidateGenerator;
    candidates: readonly GeneratedCandidate[];
  }[],
  extra: readonly { source: string; candidates: readonly GeneratedCandidate[] }[] = [],
): Map<string, MergedCandidate> {
  const pool = new Map<string, MergedCandidate>();
  const add = (source: string, candidate: GeneratedCandidate, signal?: string) => {
    let entry = pool.get(candidate.itemId);
    if (!entry) {
      entry = { itemId: candidate.itemId, evidence: [], sources: [], raw: new Map() };
      pool.set(candidate.itemId, entry);
    }
    entry.evidence.push(candidate.evidence);
    if (!entry.sources.includes(source)) entry.sources.push(source);
    if (signal !== undefined && Number.isFinite(candidate.score)) {
      entry.raw.set(signal, (entry.raw.get(signal) ?? 0) + candidate.score);
    }
  };
  for (const { generator, candidates } of generated) {
    for (const candidate of candidates) add(generator.name, candidate, generator.signal?.name);
  }
  for (const { source, candidates } of extra) {
    for (const candidate of candidates) add(source, candidate);
  }
  return pool;
}
