/**
 * The best `limit` of a stream of scored keys, best first; a tie keeps the
 * key offered first, and non-finite scores are ignored. A small sorted
 * buffer: `limit` is a request budget (tens), the stream a whole catalogue.
 */
export class TopScores<K> {
  private readonly best: { key: K; score: number }[] = [];

  constructor(private readonly limit: number) {}

  offer(key: K, score: number): void {
    const best = this.best;
    if (this.limit <= 0 || !Number.isFinite(score)) return;
    if (best.length === this.limit && score <= best[best.length - 1]!.score) return;
    let at = best.length;
    while (at > 0 && best[at - 1]!.score < score) at--;
    best.splice(at, 0, { key, score });
    if (best.length > this.limit) best.pop();
  }

  result(): readonly { key: K; score: number }[] {
    return this.best;
  }
}
