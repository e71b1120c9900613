/**
 * Turns search queries and item text into terms, the same way for both so a
 * query term can match an item term (and a shopper's search-term affinity can
 * match an item's words).
 *
 * - NFKC first, so full-width `Ｎｉｋｅ` and `ｎｉｋｅ` become `nike`, and
 *   compatibility forms (ligatures, circled digits) become plain letters.
 * - Words are runs of letters, digits and combining marks; everything else
 *   separates (`men's` → `men`, `s`; `3.5` → `3`, `5`). Marks stay inside a
 *   word so scripts such as Devanagari keep their syllables.
 * - Scripts written without spaces (Chinese, Japanese kana, Thai, Lao,
 *   Khmer, Myanmar) are segmented into words with ICU's dictionary
 *   segmenter (`Intl.Segmenter`), e.g. `红色跑步鞋` → `红色`, `跑步`, `鞋`.
 *   Node's ICU data is fixed per Node version, so the output is deterministic
 *   for a given build; a Node upgrade can change segmentation, which is a
 *   reason to rebuild read models that store terms.
 * - Without usable ICU word data (small-icu builds), or if it finds no word,
 *   such runs fall back to one term per character: single Chinese characters
 *   are real (if coarse) words.
 */

/** Tiny on purpose: words that carry no intent in a shop search. */
export const STOPWORDS: ReadonlySet<string> = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'by',
  'for',
  'from',
  'in',
  'is',
  'it',
  'of',
  'on',
  'or',
  's',
  't',
  'the',
  'to',
  'with',
  // Chinese structural particles the segmenter returns as words of their own.
  '的',
  '了',
]);

/** Longer runs are cut: no real word is this long, and terms become document keys. */
export const MAX_TERM_LENGTH = 64;

const WORD_RUN = /[\p{L}\p{N}\p{M}]+/gu;
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;

type Segment = { readonly segment: string; readonly isWordLike?: boolean };
type WordSegmenter = { segment(text: string): Iterable<Segment> };

const segmenter: WordSegmenter | undefined = createSegmenter();

function createSegmenter(): WordSegmenter | undefined {
  const Segmenter = (Intl as { Segmenter?: new (locale: string, options: object) => WordSegmenter })
    .Segmenter;
  return Segmenter ? new Segmenter('zh', { granularity: 'word' }) : undefined;
}

/** Every term of `text`, in order, repeats included (term frequency matters to ranking). */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  const normalised = text.normalize('NFKC').toLowerCase();
  for (const run of normalised.match(WORD_RUN) ?? []) {
    const words = UNSPACED_SCRIPT.test(run) ? segmentUnspaced(run) : [run];
    for (const word of words) {
      const term = truncate(word);
      if (!STOPWORDS.has(term)) terms.push(term);
    }
  }
  return terms;
}

/** Distinct terms in first-seen order: a query says "shoes" once however often it is typed. */
export function uniqueTerms(text: string): string[] {
  return [...new Set(tokenize(text))];
}

function segmentUnspaced(run: string): string[] {
  const words: string[] = [];
  if (segmenter) {
    for (const { segment, isWordLike } of segmenter.segment(run)) {
      // A run has no separators left, but the segmenter may still split off
      // marks or symbols it does not call words; those are dropped.
      if (isWordLike) words.push(segment);
    }
  }
  return words.length > 0 ? words : Array.from(run);
}

function truncate(word: string): string {
  // Counted in code points, so a surrogate pair is never cut in half.
  return word.length <= MAX_TERM_LENGTH
    ? word
    : Array.from(word).slice(0, MAX_TERM_LENGTH).join('');
}
