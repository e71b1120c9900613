/**
 * Generators and scorers by name. Later entries replace earlier ones of the
 * same name, so a shop (or the models issue) can swap a built-in one out;
 * asking for an unknown name fails, naming what is registered.
 */
export class NamedRegistry<T extends { readonly name: string }> {
  private readonly byName = new Map<string, T>();

  constructor(
    private readonly kind: string,
    entries: Iterable<T>,
  ) {
    for (const entry of entries) {
      if (!entry.name) throw new RangeError(`every ${kind} needs a non-empty name`);
      this.byName.set(entry.name, entry);
    }
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): T {
    const entry = this.byName.get(name);
    if (entry === undefined) {
      throw new RangeError(
        `unknown ${this.kind} '${name}'; registered: ${[...this.byName.keys()].join(', ')}`,
      );
    }
    return entry;
  }

  values(): T[] {
    return [...this.byName.values()];
  }
}
