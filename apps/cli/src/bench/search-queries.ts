import type { SeededRandom } from '@pulse/testing/synthetic/shop/random';

/** How `pulse bench search` turns the synthetic shop's queries into what shoppers type. */

/**
 * A typing slip in one word (a letter dropped, doubled, swapped with the
 * next, or replaced by a keyboard neighbour), as shoppers make them. Words
 * shorter than 5 characters and non-Latin words are returned unchanged:
 * Pulse corrects Latin spellings only, and short words have too many
 * legitimate neighbours to be corrected with confidence.
 */
export function withTypo(word: string, random: { next(): number }): string {
  if (word.length < 5 || !/^[a-z]+$/i.test(word)) return word;
  const int = (n: number) => Math.floor(random.next() * n);
  // Not the first letter: people rarely get it wrong, and spell checkers lean on it.
  const at = 1 + int(word.length - 2);
  switch (int(4)) {
    case 0:
      return word.slice(0, at) + word.slice(at + 1);
    case 1:
      return word.slice(0, at) + word[at] + word.slice(at);
    case 2:
      // A swap of two equal letters would change nothing: double one instead.
      return word[at] === word[at + 1]
        ? word.slice(0, at) + word[at] + word.slice(at)
        : word.slice(0, at) + word[at + 1] + word[at] + word.slice(at + 2);
    default: {
      const near = KEY_NEIGHBOURS[word[at]!.toLowerCase()] ?? 'e';
      return word.slice(0, at) + near[int(near.length)] + word.slice(at + 1);
    }
  }
}

/** At most `maxWords` words: drops words other than the last (the noun) at random. */
export function shorten(text: string, maxWords: number, random: SeededRandom): string {
  const words = text.split(/\s+/).filter(Boolean);
  while (words.length > maxWords) words.splice(random.int(words.length - 1), 1);
  return words.join(' ');
}

/** One Latin word of 5+ letters misspelt; the text as is when it has none. */
export function misspell(text: string, random: SeededRandom): string {
  const words = text.split(' ');
  const candidates = words
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => w.length >= 5 && /^[a-z]+$/i.test(w));
  if (candidates.length === 0) return text;
  const { i } = random.pick(candidates);
  words[i] = withTypo(words[i]!, random);
  return words.join(' ');
}

/** QWERTY neighbours on the same row, for substitution slips. */
const KEY_NEIGHBOURS: Readonly<Record<string, string>> = {
  a: 'sqz', b: 'vn', c: 'xv', d: 'sf', e: 'wr', f: 'dg', g: 'fh', h: 'gj', i: 'uo',
  j: 'hk', k: 'jl', l: 'k', m: 'n', n: 'bm', o: 'ip', p: 'o', q: 'w', r: 'et',
  s: 'ad', t: 'ry', u: 'yi', v: 'cb', w: 'qe', x: 'zc', y: 'tu', z: 'x',
};
