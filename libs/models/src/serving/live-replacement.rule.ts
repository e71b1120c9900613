/**
 * Whether the learning loop's updated weights may replace what serves a
 * model: the pure rule behind ServingModels.replace. Increments descend from
 * one registry version (the champion); they must never override a newer
 * promotion or rollback that is loading or serving, nor an increment that
 * is already newer (two Pulse processes, a late publish).
 */
export interface ServedVersion {
  readonly version: number;
  readonly increment: number;
}

export type ReplaceDecision = { readonly replace: true } | { readonly replace: false; readonly reason: string };

export function decideLiveReplacement(
  champion: number | undefined,
  serving: ServedVersion | undefined,
  candidate: ServedVersion,
): ReplaceDecision {
  if (champion === undefined) return { replace: false, reason: 'the model has no champion (never promoted, or not read yet)' };
  if (candidate.version !== champion) {
    return { replace: false, reason: `weights descend from version ${candidate.version}, the champion is ${champion}` };
  }
  if (!serving || serving.version !== champion) {
    // The champion is still loading (or failed to): its load would overwrite the increment anyway.
    return { replace: false, reason: `version ${champion} does not serve yet` };
  }
  if (candidate.increment <= serving.increment) {
    return { replace: false, reason: `increment ${candidate.increment} is not newer than the serving ${serving.increment}` };
  }
  return { replace: true };
}
