import { mulberry32 } from './search-catalog.generator';
import { osaDistance, TermDictionary } from './term-dictionary';

describe('osaDistance', () => {
  it.each([
    ['shoes', 'shoes', 0],
    ['shose', 'shoes', 1], // transposition
    ['runing', 'running', 1], // insertion
    ['jackett', 'jacket', 1], // deletion
    ['jacket', 'jacked', 1], // substitution
    ['ca', 'abc', 3], // optimal string alignment, not full Damerau (which says 2)
    ['', 'abc', 3],
  ])('%s → %s is %i', (a, b, distance) => {
    expect(osaDistance(a, b)).toBe(distance);
    expect(osaDistance(b, a)).toBe(distance);
  });

  it('stops early above the bound', () => {
    expect(osaDistance('waterproof', 'breathable', 2)).toBe(3);
  });
});

describe('TermDictionary', () => {
  function dictionary(words: string[], frequency: (word: string) => number = () => 1) {
    const df = words.map(frequency);
    const dict = new TermDictionary((id) => df[id]);
    words.forEach((word, id) => dict.add(word, id));
    return { dict, df };
  }

  it('finds the same words as brute force, sorted or still pending', () => {
    const random = mulberry32(11);
    const letters = 'abcdeiklmnorst';
    const words = [
      ...new Set(
        Array.from({ length: 1000 }, () =>
          Array.from(
            { length: 3 + Math.floor(random() * 7) },
            () => letters[Math.floor(random() * letters.length)],
          ).join(''),
        ),
      ),
    ];
    const sorted = new TermDictionary(() => 1);
    sorted.reset(words.map((w, i) => [w, i] as const));
    const pending = new TermDictionary(() => 1);
    words.slice(0, 40).forEach((w, i) => pending.add(w, i));
    const found = (dict: TermDictionary, query: string, max: number) =>
      dict
        .similar(query, max, 10_000)
        .map((m) => m.term)
        .sort();

    let twoEdits = 0;
    for (const query of [...words.slice(0, 25), 'xyz', 'abcdeikl', 'ornament', 'stroller']) {
      const distance = new Map(words.map((w) => [w, w === query ? 99 : osaDistance(query, w, 2)]));
      // One edit anywhere; two only if nothing is one away, and with the same first letter.
      const near = (pool: string[], max: number) => {
        const one = pool.filter((w) => distance.get(w)! <= 1);
        if (max < 2 || one.length > 0) return one.sort();
        return pool.filter((w) => distance.get(w)! <= 2 && w[0] === query[0]).sort();
      };
      if (near(words, 1).length === 0) twoEdits++;
      for (const max of [1, 2]) {
        expect(found(sorted, query, max)).toEqual(near(words, max));
        expect(found(pending, query, max)).toEqual(near(words.slice(0, 40), max));
      }
    }
    expect(twoEdits).toBeGreaterThan(3); // the two-edit walk was exercised
  });

  it('ranks corrections nearest first, then most frequent', () => {
    const { dict } = dictionary(['shoes', 'shoe', 'shoed', 'shore'], (w) =>
      w === 'shoed' ? 9 : 1,
    );
    // shoed, shoe, shoes one edit away (shoed most frequent); shore two.
    expect(dict.similar('shoex', 1, 10).map((m) => m.term)).toEqual(['shoed', 'shoe', 'shoes']);
    expect(dict.similar('shoex', 2, 10).map((m) => m.term)).toEqual(['shoed', 'shoe', 'shoes']);
    expect(dict.similar('shorex', 2, 10).map((m) => m.term)).toEqual(['shore']);
    expect(dict.similar('shoxx', 2, 10).map((m) => m.term)).toEqual([
      'shoed',
      'shoe',
      'shoes',
      'shore',
    ]);
    expect(dict.similar('xhoxs', 2, 10)).toEqual([]); // two edits, but not the first letter
    expect(dict.similar('shose', 2, 2)).toEqual([
      { id: 1, term: 'shoe', distance: 1 },
      { id: 0, term: 'shoes', distance: 1 },
    ]);
  });

  it('completes a prefix with the most frequent words first, never the prefix itself', () => {
    const { dict, df } = dictionary(['run', 'running', 'runner', 'rug', 'runway'], (w) =>
      w === 'runner' ? 5 : 1,
    );
    expect(dict.completions('run', 10).map((m) => m.term)).toEqual(['runner', 'running', 'runway']);
    expect(dict.completions('run', 1).map((m) => m.term)).toEqual(['runner']);
    df[4] = 0; // runway no longer in any item
    expect(dict.completions('run', 10).map((m) => m.term)).toEqual(['runner', 'running']);
    expect(dict.similar('runwey', 1, 10)).toEqual([]);
  });

  it('keeps answering while terms arrive in bulk (buffer merged into the sorted array)', () => {
    const words = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x`);
    const { dict } = dictionary(words);
    expect(dict.size).toBe(5000);
    expect(dict.completions('w1', 3).map((m) => m.term)).toEqual(['w100x', 'w101x', 'w102x']);
    expect(dict.similar('w10y', 1, 5).map((m) => m.term)).toContain('w10x');
  });
});
