import { STOPWORDS, tokenize } from '@pulse/platform/text/tokenizer';

/**
 * Search-specific analysis on top of the shared tokenizer (which stays the
 * single source of "what is a word", so search terms and shopper search-term
 * affinities agree).
 *
 * What search adds is Chinese/Japanese character n-grams. The dictionary
 * segmenter is not reliable enough to be the only key: it keeps `跑鞋` as one
 * word but splits `跑步鞋` into `跑步` + `鞋`, and falls back to single
 * characters for words it does not know (`羽绒服` → `羽`, `绒`, `服`). So every
 * CJK run is also indexed as character unigrams and bigrams. A query matches
 * on the unigrams (every character must occur) and ranks by the segmenter
 * words and bigrams it shares with the item, so `跑鞋` finds `跑步鞋`, while an
 * item saying `跑鞋` still ranks above it.
 *
 * Gram terms live in their own namespaces (a control-character prefix that no
 * tokenizer word can contain), so the bigram `跑步` and the word `跑步` are
 * separate terms with separate statistics and never double-count.
 */

export const UNIGRAM_PREFIX = '\u0001';
export const BIGRAM_PREFIX = '\u0002';

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]+/gu;
const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
/** Words worth correcting when misspelt: letters of a spaced script only (not model numbers). */
const TYPO_CORRECTABLE = /^[\p{L}\p{M}]+$/u;
const UNSPACED_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const ENDS_INSIDE_WORD = /[\p{L}\p{N}\p{M}]$/u;
const LAST_RUN = /[\p{L}\p{N}\p{M}]+$/u;

export interface AnalyzedText {
  /** Tokenizer words in order, repeats included: they define the field length. */
  readonly words: string[];
  /** CJK unigram and bigram terms (namespaced), repeats included. */
  readonly grams: string[];
}

export function analyzeText(text: string): AnalyzedText {
  const words = tokenize(text);
  const grams: string[] = [];
  if (CJK_CHAR.test(text)) {
    for (const run of cjkRuns(text)) {
      const chars = Array.from(run);
      for (let i = 0; i < chars.length; i++) {
        const char = chars[i];
        if (STOPWORDS.has(char)) continue;
        grams.push(UNIGRAM_PREFIX + char);
        const next = chars[i + 1];
        if (next !== undefined && !STOPWORDS.has(next)) grams.push(BIGRAM_PREFIX + char + next);
      }
    }
  }
  return { words, grams };
}

export interface QueryWord {
  /** The term as the index holds it. */
  readonly term: string;
  /** Last word of a query still being typed: also match words it starts. */
  readonly prefix: boolean;
  /** Spaced-script letters only; digits and model numbers are never "corrected". */
  readonly correctable: boolean;
}

export interface QueryCjkGroup {
  /** The run as typed (normalised), for explanations. */
  readonly text: string;
  /** Distinct unigram terms: each must occur in a matching item. */
  readonly unigrams: string[];
  /** Distinct bigram and segmenter-word terms: each one shared with an item raises its score. */
  readonly bigrams: string[];
  readonly words: string[];
}

export interface AnalyzedQuery {
  readonly words: QueryWord[];
  readonly cjk: QueryCjkGroup[];
}

export function analyzeQuery(query: string): AnalyzedQuery {
  const normalised = query.normalize('NFKC').toLowerCase();
  const terms = [...new Set(tokenize(normalised).filter((term) => !CJK_CHAR.test(term)))];
  // Only a word the shopper may still be typing is a prefix: "runn" is, "runn " is not.
  // A trailing stopword ("shoes for") is dropped by the tokenizer and so never one either.
  const lastTyped = ENDS_INSIDE_WORD.test(normalised) ? lastTokenOf(normalised) : undefined;
  const words: QueryWord[] = terms.map((term, i) => ({
    term,
    prefix: i === terms.length - 1 && term === lastTyped && !UNSPACED_SCRIPT.test(term),
    correctable: TYPO_CORRECTABLE.test(term) && !UNSPACED_SCRIPT.test(term),
  }));

  const cjk: QueryCjkGroup[] = [];
  for (const run of cjkRuns(normalised)) {
    const { grams } = analyzeText(run);
    const group = {
      text: run,
      unigrams: unique(grams.filter((g) => g.startsWith(UNIGRAM_PREFIX))),
      bigrams: unique(grams.filter((g) => g.startsWith(BIGRAM_PREFIX))),
      words: unique(tokenize(run)),
    };
    if (group.unigrams.length > 0) cjk.push(group);
  }
  // A query of nothing but a stopword being typed ("the" on the way to "thermal") still completes.
  const typed = ENDS_INSIDE_WORD.test(normalised) ? normalised.match(LAST_RUN)?.[0] : undefined;
  if (words.length === 0 && cjk.length === 0 && typed !== undefined && STOPWORDS.has(typed)) {
    words.push({ term: typed, prefix: true, correctable: false });
  }
  return { words, cjk };
}

/** What a term means to a person: gram namespaces stripped. */
export function displayTerm(term: string): string {
  return term.startsWith(UNIGRAM_PREFIX) || term.startsWith(BIGRAM_PREFIX) ? term.slice(1) : term;
}

/** True for the terms prefix completion and typo correction work on (not grams, not CJK words). */
export function isDictionaryTerm(term: string): boolean {
  const first = term.charCodeAt(0);
  return first > 0x02 && !UNSPACED_SCRIPT.test(term);
}

function lastTokenOf(normalised: string): string | undefined {
  const runs = normalised.match(LAST_RUN);
  if (!runs) return undefined;
  const tokens = tokenize(runs[0]);
  return tokens[tokens.length - 1];
}

function cjkRuns(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(CJK_RUN) ?? [];
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
