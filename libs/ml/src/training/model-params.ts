import type { Params } from '../evaluation/recommender';

/**
 * A model's defaults with the spec's loosely typed overrides (CLI `--set`)
 * laid over them: an unknown key, or a value of another type than the
 * default's, fails naming `<model>.<key>`. Range checks stay with each model.
 */
export function overrideParams<T extends object>(model: string, defaults: T, params: Params): T {
  const known = defaults as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = { ...known };
  for (const [key, value] of Object.entries(params)) {
    if (!(key in known)) throw new Error(`${model}.${key}: unknown parameter`);
    if (typeof value !== typeof known[key]) {
      throw new Error(`${model}.${key}: must be a ${typeof known[key]}, got ${String(value)}`);
    }
    out[key] = value;
  }
  return out as T;
}
