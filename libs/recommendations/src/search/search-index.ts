import { categoryKeys as categoryKeysOf } from '@pulse/catalog/projections/category-keys';
import {
  analyzeQuery,
  analyzeText,
  BIGRAM_PREFIX,
  displayTerm,
  isDictionaryTerm,
  UNIGRAM_PREFIX,
  type AnalyzedQuery,
  type AnalyzedText,
} from './search-analyzer';
import {
  SEARCH_FIELDS,
  type BrandFacetValue,
  type CategoryFacetValue,
  type MatchExplanation,
  type MatchWeights,
  type SearchableItem,
  type SearchFacets,
  type SearchField,
  type SearchFilters,
  type SearchHit,
  type SearchIndexOptions,
  type SearchIndexStats,
  type SearchOptions,
  type SearchResult,
  type TermCorrection,
} from './search.types';
import { TermDictionary } from './term-dictionary';

/**
 * In-memory full-text index over the catalog read model: BM25F ranking over
 * title, brand, category and description; prefix completion of the word
 * being typed; typo correction; filters; facets.
 *
 * Layout, chosen for 10^5 items and cheap live updates:
 * - Items get dense internal ids; their columns (price, stock, brand, field
 *   lengths, ...) are typed arrays indexed by that id.
 * - One posting list per term: a Uint32Array of (id, packed term
 *   frequencies) pairs, one byte of frequency per field. Ids only grow, so
 *   every list stays sorted by id and can be binary-searched.
 * - Re-indexing an item whose text changed appends it under a new id and
 *   leaves the old postings dead (skipped by the alive check): the cost of an
 *   update is the item's own terms, never a posting list's length. A price,
 *   stock or status change touches only the columns. Dead postings are
 *   dropped by a compaction once they are a third of all postings, so their
 *   cost is amortised over the updates that made them.
 */

const FIELD_COUNT = SEARCH_FIELDS.length;
const BRAND = SEARCH_FIELDS.indexOf('brand');
const CATEGORY = SEARCH_FIELDS.indexOf('category');
const SHARED_TEXT_CACHE_SIZE = 10_000;
const MAX_TERM_FREQUENCY = 255;
const MAX_FIELD_LENGTH = 0xffff;
const ACTIVE = 0;
const DELISTED = 1;
/** Queries longer than this are cut: nobody types more words, and the match counter stays small. */
const MAX_CLAUSES = 32;
/** A known word is corrected only to words at least this many times more frequent. */
const CORRECTION_DOMINANCE = 5;
/** Intersect by binary search when the candidates are this many times fewer than the postings. */
const SEEK_RATIO = 8;
const COMPACT_MIN_DEAD_POSTINGS = 16_384;
const BULK_LOAD_TRIM_MIN_ITEMS = 1000;
const STAMP_LIMIT = 0xffff_fff0;

const DEFAULT_FIELD_WEIGHTS: Record<SearchField, number> = {
  title: 3,
  brand: 2,
  category: 2,
  description: 1,
};
const DEFAULT_MATCH_WEIGHTS: MatchWeights = {
  completion: 0.8,
  typo1: 0.6,
  typo2: 0.4,
  cjkCharacter: 0.5,
  cjkBigram: 0.5,
  cjkWord: 1,
};
const DEFAULT_PRICE_BUCKETS = [10, 25, 50, 100, 250, 500, 1000];
const DEFAULT_LIMIT = 20;

type AlternativeKind = 'exact' | 'completion' | 'typo' | 'cjk';

/** One catalog term a query word may match, with its share of the score. */
interface Alternative {
  readonly termId: number;
  readonly term: string;
  readonly kind: AlternativeKind;
  /** idf × match weight × (k1 + 1). */
  readonly factor: number;
}

/** A query word: an item must match one of its alternatives (the best one counts). */
interface Clause {
  readonly word: string;
  readonly alternatives: Alternative[];
  /** Set for the characters of a Chinese/Japanese run. */
  readonly group?: number;
  readonly cost: number;
}

interface QueryPlan {
  readonly clauses: Clause[];
  /** Score-only terms: the bigrams and segmenter words of CJK runs. */
  readonly optional: Alternative[];
  /** The CJK runs of the query, by group number. */
  readonly cjkRuns: string[];
}

interface CompiledFilter {
  readonly status: number;
  readonly inStock: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  /** -1: any; -2: a currency no item has. */
  readonly currency: number;
  readonly brands?: Uint8Array;
  readonly paths?: Uint8Array;
}

export class SearchIndex {
  private readonly k1: number;
  private readonly fieldWeight = new Float64Array(FIELD_COUNT);
  private readonly fieldB = new Float64Array(FIELD_COUNT);
  private readonly matchWeights: MatchWeights;
  private readonly priceBuckets: readonly number[];
  private readonly maxCompletions: number;
  private readonly maxCorrections: number;
  private readonly rareWordMaxItems: number;
  private readonly maxFacetValues: number;

  // Items, by internal id.
  private docCapacity = 0;
  private docEnd = 0;
  private liveCount = 0;
  private itemIds: string[] = [];
  private readonly docByItem = new Map<string, number>();
  private alive = new Uint8Array(0);
  private status = new Uint8Array(0);
  private inStock = new Uint8Array(0);
  private price = new Float64Array(0);
  private currencyOf = new Int32Array(0);
  private brandOf = new Int32Array(0);
  private pathOf = new Int32Array(0);
  private fieldLength = new Uint16Array(0);
  private textHash = new Float64Array(0);
  /** Each item's distinct term ids live in termPool[termsStart, termsStart + termsCount). */
  private termsStart = new Uint32Array(0);
  private termsCount = new Uint32Array(0);
  private termPool = new Int32Array(1024);
  private termPoolEnd = 0;
  private readonly fieldLengthSum = new Float64Array(FIELD_COUNT);

  // Terms, by term id.
  private termIds = new Map<string, number>();
  private termText: string[] = [];
  private documentFrequency = new Int32Array(1024);
  private postings: Uint32Array[] = [];
  private postingEnd = new Int32Array(1024);
  /** Scratch for indexing one item: its frequencies by term id, valid where termStamp = addStamp. */
  private termStamp = new Int32Array(1024);
  private termPacked = new Uint32Array(1024);
  private addStamp = 0;
  private livePostings = 0;
  private deadPostings = 0;
  private readonly dictionary = new TermDictionary((id) => this.documentFrequency[id]);

  // Facet values, interned; few, and never removed.
  private readonly brandIds = new Map<string, number>();
  private readonly brandNames: string[] = [];
  private readonly currencyIds = new Map<string, number>();
  private readonly categoryIds = new Map<string, number>();
  private readonly categoryKeys: string[] = [];
  private readonly categoryNames: string[] = [];
  private readonly categoryLevels: number[] = [];
  private readonly pathIds = new Map<string, number>();
  private readonly pathCategories: Int32Array[] = [];
  private readonly sharedTexts = new Map<string, AnalyzedText>();

  // Per-query scratch, by internal id; stamps avoid clearing them between queries.
  private scratchCapacity = -1;
  private tick = 0;
  private queryStamp = 0;
  private minMatched = 0;
  private partialMatch = false;
  private matchedMark = new Uint32Array(0);
  private matchedCount = new Uint16Array(0);
  private score = new Float64Array(0);
  private clauseMark = new Uint32Array(0);
  private clauseBest = new Float64Array(0);
  private candidates = new Int32Array(0);
  private touched = new Int32Array(0);
  private candidateCount = 0;
  // Per-query BM25 length normalisation: 1 - b + b × length / average = oneMinusB + bOverAverage × length.
  private readonly oneMinusB = new Float64Array(FIELD_COUNT);
  private readonly bOverAverage = new Float64Array(FIELD_COUNT);

  constructor(options: SearchIndexOptions = {}) {
    this.k1 = options.k1 ?? 1.2;
    SEARCH_FIELDS.forEach((field, f) => {
      this.fieldWeight[f] = options.fieldWeights?.[field] ?? DEFAULT_FIELD_WEIGHTS[field];
      this.fieldB[f] = options.lengthNormalisation?.[field] ?? 0.75;
    });
    this.matchWeights = { ...DEFAULT_MATCH_WEIGHTS, ...options.matchWeights };
    this.priceBuckets = [...(options.priceBuckets ?? DEFAULT_PRICE_BUCKETS)];
    this.maxCompletions = options.maxCompletions ?? 30;
    this.maxCorrections = options.maxCorrections ?? 8;
    this.rareWordMaxItems = options.rareWordMaxItems ?? 2;
    this.maxFacetValues = options.maxFacetValues ?? 100;
    if (!(this.k1 > 0)) throw new RangeError(`k1 must be positive, got ${this.k1}`);
    if (this.priceBuckets.some((bound, i) => i > 0 && bound <= this.priceBuckets[i - 1])) {
      throw new RangeError('priceBuckets must be strictly ascending');
    }
  }

  /** Items held, delisted ones included. */
  get size(): number {
    return this.liveCount;
  }

  has(itemId: string): boolean {
    return this.docByItem.has(itemId);
  }

  /**
   * Adds an item or replaces it. If its text (title, description, brand,
   * category) is unchanged only price, currency, stock and status are
   * written, so feeding every read-model change through here is cheap.
   */
  upsert(item: SearchableItem): void {
    const keys = item.categoryKeys ?? categoryKeysOf(item.categoryPath);
    const hash = textHashOf(item, keys);
    const existing = this.docByItem.get(item.itemId);
    if (existing !== undefined) {
      if (this.textHash[existing] === hash) {
        this.writeColumns(existing, item);
        return;
      }
      this.removeDocument(existing);
    }
    this.addDocument(item, keys, hash);
    this.compactIfWasteful();
  }

  /**
   * Bulk load (or a large batch). Posting lists grow by doubling, so after a
   * load that at least doubled the index they are trimmed to size: about a
   * fifth of the index's memory at 10^5 items.
   */
  upsertAll(items: Iterable<SearchableItem>): void {
    const before = this.liveCount;
    for (const item of items) this.upsert(item);
    const added = this.liveCount - before;
    if (added >= BULK_LOAD_TRIM_MIN_ITEMS && added * 2 >= this.liveCount) this.compact();
  }

  /** Forgets an item. Returns whether it was held. */
  remove(itemId: string): boolean {
    const doc = this.docByItem.get(itemId);
    if (doc === undefined) return false;
    this.removeDocument(doc);
    this.compactIfWasteful();
    return true;
  }

  stats(): SearchIndexStats {
    let terms = 0;
    for (let t = 0; t < this.termText.length; t++) if (this.documentFrequency[t] > 0) terms++;
    return {
      items: this.liveCount,
      terms,
      postings: this.livePostings,
      deadPostings: this.deadPostings,
      dictionaryWords: this.dictionary.size,
    };
  }

  search(query: string, options: SearchOptions = {}): SearchResult {
    const offset = options.offset ?? 0;
    const limit = options.limit ?? DEFAULT_LIMIT;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
    }
    if (!Number.isSafeInteger(limit) || limit < 0) {
      throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
    }
    const filter = this.compileFilter(options.filters ?? {});
    this.prepareScratch();
    const analyzed = analyzeQuery(query);
    const plan = this.plan(analyzed, options);

    if (analyzed.words.length === 0 && analyzed.cjk.length === 0) {
      this.browse(filter);
    } else {
      this.matchAll(plan, filter);
      if (this.candidateCount === 0 && plan.clauses.length > 1) this.matchAny(plan, filter);
      this.addOptionalScores(plan);
    }

    const top = this.topDocuments(offset + limit);
    const hits: SearchHit[] = [];
    for (let i = offset; i < top.length; i++) {
      const doc = top[i];
      hits.push({
        itemId: this.itemIds[doc],
        score: this.score[doc],
        matched: this.explain(doc, plan),
      });
    }
    return {
      total: this.candidateCount,
      hits,
      ...(options.facets ? { facets: this.countFacets() } : {}),
      ...(this.partialMatch ? { partial: true } : {}),
    };
  }

  /**
   * Drops dead postings, renumbers items densely and trims posting lists to
   * size (plus an eighth). Runs on its own once dead postings are a third of
   * all postings, and after a bulk load.
   */
  compact(): void {
    const oldEnd = this.docEnd;
    const termCount = this.termText.length;
    const termRemap = new Int32Array(termCount).fill(-1);
    const termText: string[] = [];
    for (let t = 0; t < termCount; t++) {
      if (this.documentFrequency[t] > 0) {
        termRemap[t] = termText.length;
        termText.push(this.termText[t]);
      }
    }
    const docRemap = new Int32Array(oldEnd).fill(-1);
    let live = 0;
    for (let d = 0; d < oldEnd; d++) if (this.alive[d] === 1) docRemap[d] = live++;

    // Postings: keep live entries, renumbered; ids only move down, so lists stay sorted.
    const documentFrequency = new Int32Array(Math.max(1024, termText.length));
    const postingEnd = new Int32Array(documentFrequency.length);
    const postings: Uint32Array[] = new Array(termText.length);
    for (let t = 0; t < termCount; t++) {
      const nt = termRemap[t];
      if (nt < 0) continue;
      const df = this.documentFrequency[t];
      const list = this.postings[t];
      const end = this.postingEnd[t];
      // An eighth of headroom, so the first updates after a trim do not each copy a whole list.
      const kept = new Uint32Array((df + (df >>> 3) + 1) * 2);
      let k = 0;
      for (let p = 0; p < end; p += 2) {
        const doc = docRemap[list[p]];
        if (doc >= 0) {
          kept[k++] = doc;
          kept[k++] = list[p + 1];
        }
      }
      postings[nt] = kept;
      postingEnd[nt] = k;
      documentFrequency[nt] = df;
    }

    // Columns move down in place (new id ≤ old id); the term pool is rebuilt.
    const pool = new Int32Array(Math.max(1024, this.livePostings));
    let poolEnd = 0;
    for (let d = 0; d < oldEnd; d++) {
      const n = docRemap[d];
      if (n < 0) continue;
      const start = this.termsStart[d];
      const count = this.termsCount[d];
      for (let i = 0; i < count; i++) pool[poolEnd + i] = termRemap[this.termPool[start + i]];
      this.termsStart[n] = poolEnd;
      this.termsCount[n] = count;
      poolEnd += count;
      if (n === d) continue;
      this.itemIds[n] = this.itemIds[d];
      this.docByItem.set(this.itemIds[n], n);
      this.alive[n] = 1;
      this.status[n] = this.status[d];
      this.inStock[n] = this.inStock[d];
      this.price[n] = this.price[d];
      this.currencyOf[n] = this.currencyOf[d];
      this.brandOf[n] = this.brandOf[d];
      this.pathOf[n] = this.pathOf[d];
      this.textHash[n] = this.textHash[d];
      this.fieldLength.copyWithin(n * FIELD_COUNT, d * FIELD_COUNT, (d + 1) * FIELD_COUNT);
    }
    this.alive.fill(0, live, oldEnd);
    this.itemIds.length = live;
    this.docEnd = live;
    this.termPool = pool;
    this.termPoolEnd = poolEnd;
    this.termText = termText;
    this.termIds = new Map(termText.map((term, id) => [term, id]));
    this.documentFrequency = documentFrequency;
    this.postingEnd = postingEnd;
    this.termStamp = new Int32Array(documentFrequency.length);
    this.termPacked = new Uint32Array(documentFrequency.length);
    this.postings = postings;
    this.deadPostings = 0;
    this.dictionary.reset(
      termText.flatMap((term, id) => (isDictionaryTerm(term) ? [[term, id] as const] : [])),
    );
  }

  // ---------------------------------------------------------------- writing

  private addDocument(item: SearchableItem, keys: readonly string[], hash: number): void {
    const doc = this.docEnd++;
    this.ensureDocCapacity(this.docEnd);
    this.itemIds[doc] = item.itemId;
    this.docByItem.set(item.itemId, doc);
    this.alive[doc] = 1;
    this.textHash[doc] = hash;
    this.writeColumns(doc, item);
    this.brandOf[doc] = this.internBrand(item.brand);
    this.pathOf[doc] = this.internPath(keys, item.categoryPath);

    // Terms are interned first and their frequencies gathered in arrays by
    // term id: one hash lookup per token instead of three.
    if (this.addStamp >= 0x7fff_fff0) {
      this.termStamp.fill(0);
      this.addStamp = 0;
    }
    const stamp = ++this.addStamp;
    const start = this.termPoolEnd;
    let end = start;
    const texts = [item.title, item.brand, item.categoryPath.join(' '), item.description];
    for (let f = 0; f < FIELD_COUNT; f++) {
      const { words, grams } =
        f === BRAND || f === CATEGORY ? this.analyzeShared(texts[f]) : analyzeText(texts[f]);
      this.ensurePoolCapacity(end + words.length + grams.length);
      const shift = 8 * f;
      const unit = 1 << shift;
      for (const list of [words, grams]) {
        for (const term of list) {
          const termId = this.internTerm(term);
          if (this.termStamp[termId] !== stamp) {
            this.termStamp[termId] = stamp;
            this.termPacked[termId] = unit;
            this.termPool[end++] = termId;
          } else if (((this.termPacked[termId] >>> shift) & 0xff) < MAX_TERM_FREQUENCY) {
            this.termPacked[termId] += unit;
          }
        }
      }
      const length = Math.min(words.length, MAX_FIELD_LENGTH);
      this.fieldLength[doc * FIELD_COUNT + f] = length;
      this.fieldLengthSum[f] += length;
    }

    this.termsStart[doc] = start;
    this.termsCount[doc] = end - start;
    for (let i = start; i < end; i++) {
      const termId = this.termPool[i];
      this.appendPosting(termId, doc, this.termPacked[termId]);
      this.documentFrequency[termId]++;
    }
    this.termPoolEnd = end;
    this.livePostings += end - start;
    this.liveCount++;
  }

  /** Brands and category paths repeat across thousands of items: analyse each once. */
  private analyzeShared(text: string): AnalyzedText {
    let analyzed = this.sharedTexts.get(text);
    if (!analyzed) {
      if (this.sharedTexts.size >= SHARED_TEXT_CACHE_SIZE) this.sharedTexts.clear();
      analyzed = analyzeText(text);
      this.sharedTexts.set(text, analyzed);
    }
    return analyzed;
  }

  private writeColumns(doc: number, item: SearchableItem): void {
    this.status[doc] = item.status === 'delisted' ? DELISTED : ACTIVE;
    this.inStock[doc] = item.inStock ? 1 : 0;
    this.price[doc] = item.price;
    let currency = this.currencyIds.get(item.currency);
    if (currency === undefined) {
      currency = this.currencyIds.size;
      this.currencyIds.set(item.currency, currency);
    }
    this.currencyOf[doc] = currency;
  }

  private removeDocument(doc: number): void {
    this.alive[doc] = 0;
    this.liveCount--;
    this.docByItem.delete(this.itemIds[doc]);
    for (let f = 0; f < FIELD_COUNT; f++) {
      this.fieldLengthSum[f] -= this.fieldLength[doc * FIELD_COUNT + f];
    }
    const start = this.termsStart[doc];
    const count = this.termsCount[doc];
    for (let i = 0; i < count; i++) this.documentFrequency[this.termPool[start + i]]--;
    this.livePostings -= count;
    this.deadPostings += count;
  }

  private compactIfWasteful(): void {
    if (
      this.deadPostings >= COMPACT_MIN_DEAD_POSTINGS &&
      this.deadPostings * 2 >= this.livePostings
    ) {
      this.compact();
    }
  }

  private internTerm(term: string): number {
    let id = this.termIds.get(term);
    if (id !== undefined) return id;
    id = this.termText.length;
    this.termText.push(term);
    this.termIds.set(term, id);
    if (id >= this.documentFrequency.length) {
      this.documentFrequency = resized(this.documentFrequency, id * 2);
      this.postingEnd = resized(this.postingEnd, id * 2);
      this.termStamp = resized(this.termStamp, id * 2);
      this.termPacked = resized(this.termPacked, id * 2);
    }
    this.postings.push(EMPTY_POSTINGS);
    if (isDictionaryTerm(term)) this.dictionary.add(term, id);
    return id;
  }

  private appendPosting(termId: number, doc: number, packed: number): void {
    let list = this.postings[termId];
    const end = this.postingEnd[termId];
    if (end + 2 > list.length) {
      list = resized(list, Math.max(2, list.length * 2));
      this.postings[termId] = list;
    }
    list[end] = doc;
    list[end + 1] = packed;
    this.postingEnd[termId] = end + 2;
  }

  private internBrand(brand: string): number {
    const key = normaliseValue(brand);
    if (key === '') return -1;
    let id = this.brandIds.get(key);
    if (id === undefined) {
      id = this.brandNames.length;
      this.brandIds.set(key, id);
      this.brandNames.push(brand.trim());
    }
    return id;
  }

  private internPath(keys: readonly string[], names: readonly string[]): number {
    const joined = keys.join('\u0000');
    let id = this.pathIds.get(joined);
    if (id !== undefined) return id;
    id = this.pathCategories.length;
    this.pathIds.set(joined, id);
    this.pathCategories.push(
      Int32Array.from(keys, (key, level) => {
        let category = this.categoryIds.get(key);
        if (category === undefined) {
          category = this.categoryKeys.length;
          this.categoryIds.set(key, category);
          this.categoryKeys.push(key);
          this.categoryNames.push(names[level] ?? key);
          this.categoryLevels.push(level);
        }
        return category;
      }),
    );
    return id;
  }

  private ensureDocCapacity(needed: number): void {
    if (needed <= this.docCapacity) return;
    const capacity = Math.max(1024, this.docCapacity * 2, needed);
    this.alive = resized(this.alive, capacity);
    this.status = resized(this.status, capacity);
    this.inStock = resized(this.inStock, capacity);
    this.price = resized(this.price, capacity);
    this.currencyOf = resized(this.currencyOf, capacity);
    this.brandOf = resized(this.brandOf, capacity);
    this.pathOf = resized(this.pathOf, capacity);
    this.fieldLength = resized(this.fieldLength, capacity * FIELD_COUNT);
    this.textHash = resized(this.textHash, capacity);
    this.termsStart = resized(this.termsStart, capacity);
    this.termsCount = resized(this.termsCount, capacity);
    this.docCapacity = capacity;
  }

  private ensurePoolCapacity(needed: number): void {
    if (needed > this.termPool.length) {
      this.termPool = resized(this.termPool, Math.max(needed, this.termPool.length * 2));
    }
  }

  // --------------------------------------------------------------- planning

  private plan(query: AnalyzedQuery, options: SearchOptions): QueryPlan {
    const n = this.liveCount;
    const factorOf = (termId: number, weight: number) => {
      const df = this.documentFrequency[termId];
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      return idf * weight * (this.k1 + 1);
    };
    const existing = (term: string) => {
      const id = this.termIds.get(term);
      return id !== undefined && this.documentFrequency[id] > 0 ? id : undefined;
    };
    const clauses: Clause[] = [];
    const optional: Alternative[] = [];
    const weights = this.matchWeights;

    for (const word of query.words) {
      const found = new Map<number, Alternative>();
      const offer = (termId: number, term: string, kind: AlternativeKind, weight: number) => {
        const factor = factorOf(termId, weight);
        const known = found.get(termId);
        if (!known || known.factor < factor) found.set(termId, { termId, term, kind, factor });
      };
      const exact = existing(word.term);
      const exactItems = exact === undefined ? 0 : this.documentFrequency[exact];
      if (exact !== undefined) offer(exact, word.term, 'exact', 1);
      if (word.prefix && options.prefix !== false) {
        // "b" would otherwise match most of the catalog through its 30 most frequent words.
        const limit = Math.ceil((this.maxCompletions * Math.min(3, [...word.term].length)) / 3);
        for (const { id, term } of this.dictionary.completions(word.term, limit)) {
          offer(id, term, 'completion', weights.completion);
        }
      }
      if (options.typos !== false && word.correctable && exactItems <= this.rareWordMaxItems) {
        const length = [...word.term].length;
        const maxDistance = length >= 8 ? 2 : length >= 4 ? 1 : 0;
        if (maxDistance > 0) {
          for (const { id, term, distance } of this.dictionary.similar(
            word.term,
            maxDistance,
            this.maxCorrections,
          )) {
            if (exactItems > 0 && this.documentFrequency[id] < exactItems * CORRECTION_DOMINANCE) {
              continue;
            }
            offer(id, term, 'typo', distance === 1 ? weights.typo1 : weights.typo2);
          }
        }
      }
      clauses.push(this.clause(word.term, [...found.values()]));
    }

    query.cjk.forEach((group, g) => {
      for (const unigram of group.unigrams) {
        const id = existing(unigram);
        const alternatives: Alternative[] =
          id === undefined
            ? []
            : [
                {
                  termId: id,
                  term: unigram,
                  kind: 'cjk',
                  factor: factorOf(id, weights.cjkCharacter),
                },
              ];
        clauses.push({ ...this.clause(displayTerm(unigram), alternatives), group: g });
      }
      for (const [terms, weight] of [
        [group.words, weights.cjkWord],
        [group.bigrams, weights.cjkBigram],
      ] as const) {
        for (const term of terms) {
          const id = existing(term);
          if (id !== undefined) {
            optional.push({ termId: id, term, kind: 'cjk', factor: factorOf(id, weight) });
          }
        }
      }
    });
    return {
      clauses: clauses.slice(0, MAX_CLAUSES),
      optional,
      cjkRuns: query.cjk.map((group) => group.text),
    };
  }

  private clause(word: string, alternatives: Alternative[]): Clause {
    let cost = 0;
    for (const alternative of alternatives) cost += this.postingEnd[alternative.termId];
    return { word, alternatives, cost };
  }

  private compileFilter(filters: SearchFilters): CompiledFilter {
    for (const bound of ['minPrice', 'maxPrice'] as const) {
      const value = filters[bound];
      if (value !== undefined && Number.isNaN(value)) throw new RangeError(`${bound} is NaN`);
    }
    const status =
      filters.status === 'any' ? -1 : filters.status === 'delisted' ? DELISTED : ACTIVE;
    let brands: Uint8Array | undefined;
    if (filters.brand !== undefined) {
      brands = new Uint8Array(this.brandNames.length);
      for (const brand of listOf(filters.brand)) {
        const id = this.brandIds.get(normaliseValue(brand));
        if (id !== undefined) brands[id] = 1;
      }
    }
    let paths: Uint8Array | undefined;
    if (filters.categoryKey !== undefined) {
      const wanted = new Set<number>();
      for (const key of listOf(filters.categoryKey)) {
        const id = this.categoryIds.get(key);
        if (id !== undefined) wanted.add(id);
      }
      paths = new Uint8Array(this.pathCategories.length);
      this.pathCategories.forEach((categories, path) => {
        if (categories.some((category) => wanted.has(category))) paths![path] = 1;
      });
    }
    return {
      status,
      inStock: filters.inStock === undefined ? -1 : filters.inStock ? 1 : 0,
      minPrice: filters.minPrice ?? -Infinity,
      maxPrice: filters.maxPrice ?? Infinity,
      currency:
        filters.currency === undefined ? -1 : (this.currencyIds.get(filters.currency) ?? -2),
      brands,
      paths,
    };
  }

  private accepts(doc: number, filter: CompiledFilter): boolean {
    if (this.alive[doc] !== 1) return false;
    if (filter.status >= 0 && this.status[doc] !== filter.status) return false;
    if (filter.inStock >= 0 && this.inStock[doc] !== filter.inStock) return false;
    const price = this.price[doc];
    if (price < filter.minPrice || price > filter.maxPrice) return false;
    if (filter.currency !== -1 && this.currencyOf[doc] !== filter.currency) return false;
    if (filter.brands) {
      const brand = this.brandOf[doc];
      if (brand < 0 || filter.brands[brand] !== 1) return false;
    }
    if (filter.paths && filter.paths[this.pathOf[doc]] !== 1) return false;
    return true;
  }

  // --------------------------------------------------------------- matching

  private prepareScratch(): void {
    if (this.scratchCapacity !== this.docCapacity) {
      const capacity = this.docCapacity;
      this.matchedMark = new Uint32Array(capacity);
      this.matchedCount = new Uint16Array(capacity);
      this.score = new Float64Array(capacity);
      this.clauseMark = new Uint32Array(capacity);
      this.clauseBest = new Float64Array(capacity);
      this.candidates = new Int32Array(capacity);
      this.touched = new Int32Array(capacity);
      this.scratchCapacity = capacity;
      this.tick = 0;
    } else if (this.tick > STAMP_LIMIT - 2 * MAX_CLAUSES - 8) {
      this.matchedMark.fill(0);
      this.clauseMark.fill(0);
      this.tick = 0;
    }
    const n = Math.max(1, this.liveCount);
    for (let f = 0; f < FIELD_COUNT; f++) {
      const average = this.fieldLengthSum[f] / n;
      this.oneMinusB[f] = 1 - this.fieldB[f];
      // A field nobody fills (no item has a brand) has nothing to normalise against.
      this.bOverAverage[f] = average > 0 ? this.fieldB[f] / average : 0;
      if (average <= 0) this.oneMinusB[f] = 1;
    }
    this.candidateCount = 0;
    this.partialMatch = false;
    this.minMatched = 0;
  }

  /** BM25F: field frequencies weighted and length-normalised, summed, then saturated once. */
  private termScore(doc: number, packed: number, factor: number): number {
    const base = doc * FIELD_COUNT;
    let pseudo = 0;
    for (let f = 0; f < FIELD_COUNT; f++) {
      const frequency = (packed >>> (8 * f)) & 0xff;
      if (frequency !== 0) {
        pseudo +=
          (this.fieldWeight[f] * frequency) /
          (this.oneMinusB[f] + this.bOverAverage[f] * this.fieldLength[base + f]);
      }
    }
    return (factor * pseudo) / (this.k1 + pseudo);
  }

  /** Empty query: every item that passes the filters, unscored. */
  private browse(filter: CompiledFilter): void {
    const stamp = ++this.tick;
    this.queryStamp = stamp;
    let count = 0;
    for (let doc = 0; doc < this.docEnd; doc++) {
      if (!this.accepts(doc, filter)) continue;
      this.matchedMark[doc] = stamp;
      this.matchedCount[doc] = 0;
      this.score[doc] = 0;
      this.candidates[count++] = doc;
    }
    this.candidateCount = count;
  }

  /**
   * Items matching every clause. Clauses run cheapest first: the first one
   * scans its postings through the filters, each later one only keeps
   * survivors, by scanning its postings or, when the survivors are few, by
   * binary-searching each of them.
   */
  private matchAll(plan: QueryPlan, filter: CompiledFilter): void {
    const order = [...plan.clauses].sort((a, b) => a.cost - b.cost);
    const queryStamp = ++this.tick;
    this.queryStamp = queryStamp;
    this.minMatched = order.length;
    this.candidateCount = 0;
    if (order.some((clause) => clause.alternatives.length === 0)) return;

    let candidates = this.candidates;
    let touched = this.touched;
    let candidateCount = 0;
    for (let c = 0; c < order.length; c++) {
      const clauseStamp = ++this.tick;
      let touchedCount = 0;
      for (const { termId, factor } of order[c].alternatives) {
        const list = this.postings[termId];
        const end = this.postingEnd[termId];
        if (c > 0 && candidateCount * SEEK_RATIO < end >>> 1) {
          for (let k = 0; k < candidateCount; k++) {
            const doc = candidates[k];
            const at = findPosting(list, end, doc);
            if (at < 0) continue;
            const s = this.termScore(doc, list[at + 1], factor);
            if (this.clauseMark[doc] !== clauseStamp) {
              this.clauseMark[doc] = clauseStamp;
              this.clauseBest[doc] = s;
              touched[touchedCount++] = doc;
            } else if (s > this.clauseBest[doc]) this.clauseBest[doc] = s;
          }
          continue;
        }
        for (let p = 0; p < end; p += 2) {
          const doc = list[p];
          if (c === 0) {
            if (!this.accepts(doc, filter)) continue;
          } else if (this.matchedMark[doc] !== queryStamp || this.matchedCount[doc] !== c) {
            continue;
          }
          const s = this.termScore(doc, list[p + 1], factor);
          if (this.clauseMark[doc] !== clauseStamp) {
            this.clauseMark[doc] = clauseStamp;
            this.clauseBest[doc] = s;
            touched[touchedCount++] = doc;
          } else if (s > this.clauseBest[doc]) this.clauseBest[doc] = s;
        }
      }
      for (let k = 0; k < touchedCount; k++) {
        const doc = touched[k];
        if (c === 0) {
          this.matchedMark[doc] = queryStamp;
          this.score[doc] = this.clauseBest[doc];
        } else {
          this.score[doc] += this.clauseBest[doc];
        }
        this.matchedCount[doc] = c + 1;
      }
      [candidates, touched] = [touched, candidates];
      candidateCount = touchedCount;
      if (candidateCount === 0) break;
    }
    this.candidates = candidates;
    this.touched = touched;
    this.candidateCount = candidateCount;
  }

  /** Fallback when nothing matches every word: items matching any, more words first. */
  private matchAny(plan: QueryPlan, filter: CompiledFilter): void {
    const queryStamp = ++this.tick;
    this.queryStamp = queryStamp;
    this.minMatched = 1;
    let candidateCount = 0;
    for (const clause of plan.clauses) {
      const clauseStamp = ++this.tick;
      let touchedCount = 0;
      for (const { termId, factor } of clause.alternatives) {
        const list = this.postings[termId];
        const end = this.postingEnd[termId];
        for (let p = 0; p < end; p += 2) {
          const doc = list[p];
          if (!this.accepts(doc, filter)) continue;
          const s = this.termScore(doc, list[p + 1], factor);
          if (this.clauseMark[doc] !== clauseStamp) {
            this.clauseMark[doc] = clauseStamp;
            this.clauseBest[doc] = s;
            this.touched[touchedCount++] = doc;
          } else if (s > this.clauseBest[doc]) this.clauseBest[doc] = s;
        }
      }
      for (let k = 0; k < touchedCount; k++) {
        const doc = this.touched[k];
        if (this.matchedMark[doc] !== queryStamp) {
          this.matchedMark[doc] = queryStamp;
          this.matchedCount[doc] = 0;
          this.score[doc] = 0;
          this.candidates[candidateCount++] = doc;
        }
        this.score[doc] += this.clauseBest[doc];
        this.matchedCount[doc]++;
      }
    }
    this.candidateCount = candidateCount;
    this.partialMatch = candidateCount > 0;
  }

  private isCandidate(doc: number): boolean {
    return this.matchedMark[doc] === this.queryStamp && this.matchedCount[doc] >= this.minMatched;
  }

  private addOptionalScores(plan: QueryPlan): void {
    const count = this.candidateCount;
    if (count === 0) return;
    for (const { termId, factor } of plan.optional) {
      const list = this.postings[termId];
      const end = this.postingEnd[termId];
      if (count * SEEK_RATIO < end >>> 1) {
        for (let k = 0; k < count; k++) {
          const doc = this.candidates[k];
          const at = findPosting(list, end, doc);
          if (at >= 0) this.score[doc] += this.termScore(doc, list[at + 1], factor);
        }
      } else {
        for (let p = 0; p < end; p += 2) {
          const doc = list[p];
          if (this.isCandidate(doc)) this.score[doc] += this.termScore(doc, list[p + 1], factor);
        }
      }
    }
  }

  // ---------------------------------------------------------------- ranking

  /** The best `k` candidates in order: more words matched (partial matches only), score, itemId. */
  private topDocuments(k: number): number[] {
    const count = this.candidateCount;
    const byMatchedWords = this.partialMatch;
    const better = (a: number, b: number): boolean => {
      if (byMatchedWords && this.matchedCount[a] !== this.matchedCount[b]) {
        return this.matchedCount[a] > this.matchedCount[b];
      }
      const sa = this.score[a];
      const sb = this.score[b];
      if (sa !== sb) return sa > sb;
      return this.itemIds[a] < this.itemIds[b];
    };
    const order = (a: number, b: number) => (better(a, b) ? -1 : better(b, a) ? 1 : 0);
    if (k === 0) return [];
    if (k >= count) return Array.from(this.candidates.subarray(0, count)).sort(order);

    // Bounded heap with the worst kept item on top.
    const heap: number[] = [];
    const siftUp = (i: number) => {
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!better(heap[parent], heap[i])) break;
        [heap[parent], heap[i]] = [heap[i], heap[parent]];
        i = parent;
      }
    };
    const siftDown = (i: number) => {
      for (;;) {
        const left = 2 * i + 1;
        if (left >= heap.length) return;
        const right = left + 1;
        const worse = right < heap.length && better(heap[left], heap[right]) ? right : left;
        if (!better(heap[i], heap[worse])) return;
        [heap[i], heap[worse]] = [heap[worse], heap[i]];
        i = worse;
      }
    };
    for (let c = 0; c < count; c++) {
      const doc = this.candidates[c];
      if (heap.length < k) {
        heap.push(doc);
        siftUp(heap.length - 1);
      } else if (better(doc, heap[0])) {
        heap[0] = doc;
        siftDown(0);
      }
    }
    return heap.sort(order);
  }

  private explain(doc: number, plan: QueryPlan): MatchExplanation {
    const terms: string[] = [];
    const typoCorrections: TermCorrection[] = [];
    const completions: TermCorrection[] = [];
    let fields = 0;
    const lookup = (termId: number) => {
      const at = findPosting(this.postings[termId], this.postingEnd[termId], doc);
      return at < 0 ? -1 : this.postings[termId][at + 1];
    };
    const lookupTerm = (term: string) => {
      const termId = this.termIds.get(term);
      return termId === undefined ? -1 : lookup(termId);
    };

    for (const clause of plan.clauses) {
      if (clause.group !== undefined) continue;
      let best: Alternative | undefined;
      let bestScore = -1;
      let bestPacked = 0;
      for (const alternative of clause.alternatives) {
        const packed = lookup(alternative.termId);
        if (packed < 0) continue;
        const s = this.termScore(doc, packed, alternative.factor);
        if (s > bestScore) [best, bestScore, bestPacked] = [alternative, s, packed];
      }
      if (!best) continue;
      terms.push(best.term);
      fields |= fieldMask(bestPacked);
      if (best.kind === 'typo') typoCorrections.push({ from: clause.word, to: best.term });
      if (best.kind === 'completion') completions.push({ from: clause.word, to: best.term });
    }

    // Chinese/Japanese: the query run's characters the item holds, joined where
    // the item also holds the pair, so `跑步鞋` shows as one term and `跑鞋`
    // against `跑步鞋` as `跑`, `鞋`.
    plan.cjkRuns.forEach((run, group) => {
      if (!plan.clauses.some((clause) => clause.group === group)) return;
      const chars = Array.from(run);
      let segment = '';
      const flush = () => {
        if (segment !== '') terms.push(segment);
        segment = '';
      };
      chars.forEach((char, i) => {
        const packed = lookupTerm(UNIGRAM_PREFIX + char);
        if (packed < 0) return flush();
        fields |= fieldMask(packed);
        segment += char;
        const next = chars[i + 1];
        if (next === undefined || lookupTerm(BIGRAM_PREFIX + char + next) < 0) flush();
      });
      flush();
    });

    return {
      terms: [...new Set(terms.map(displayTerm))],
      fields: SEARCH_FIELDS.filter((_, f) => (fields & (1 << f)) !== 0),
      ...(typoCorrections.length > 0 ? { typoCorrections } : {}),
      ...(completions.length > 0 ? { completions } : {}),
    };
  }

  private countFacets(): SearchFacets {
    const brandCounts = new Int32Array(this.brandNames.length);
    const pathCounts = new Int32Array(this.pathCategories.length);
    const bounds = this.priceBuckets;
    const priceCounts = new Int32Array(bounds.length + 1);
    let inStock = 0;
    for (let k = 0; k < this.candidateCount; k++) {
      const doc = this.candidates[k];
      const brand = this.brandOf[doc];
      if (brand >= 0) brandCounts[brand]++;
      pathCounts[this.pathOf[doc]]++;
      inStock += this.inStock[doc];
      const price = this.price[doc];
      let bucket = 0;
      while (bucket < bounds.length && price >= bounds[bucket]) bucket++;
      priceCounts[bucket]++;
    }

    const categoryCounts = new Int32Array(this.categoryKeys.length);
    pathCounts.forEach((count, path) => {
      if (count > 0)
        for (const category of this.pathCategories[path]) categoryCounts[category] += count;
    });
    const byLevel = new Map<number, CategoryFacetValue[]>();
    categoryCounts.forEach((count, category) => {
      if (count === 0) return;
      const level = this.categoryLevels[category];
      const values = byLevel.get(level) ?? [];
      values.push({
        key: this.categoryKeys[category],
        name: this.categoryNames[category],
        level,
        count,
      });
      byLevel.set(level, values);
    });
    const categories = [...byLevel.keys()]
      .sort((a, b) => a - b)
      .flatMap((level) =>
        byLevel
          .get(level)!
          .sort((a, b) => b.count - a.count || compareStrings(a.key, b.key))
          .slice(0, this.maxFacetValues),
      );

    const brands: BrandFacetValue[] = [];
    brandCounts.forEach((count, brand) => {
      if (count > 0) brands.push({ brand: this.brandNames[brand], count });
    });
    brands.sort((a, b) => b.count - a.count || compareStrings(a.brand, b.brand));

    return {
      categories,
      brands: brands.slice(0, this.maxFacetValues),
      priceRanges: Array.from(priceCounts, (count, bucket) => ({
        from: bucket === 0 ? 0 : bounds[bucket - 1],
        ...(bucket < bounds.length ? { to: bounds[bucket] } : {}),
        count,
      })),
      inStock: { inStock, outOfStock: this.candidateCount - inStock },
    };
  }
}

const EMPTY_POSTINGS = new Uint32Array(0);

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

function resized<T extends TypedArray>(array: T, capacity: number): T {
  const next = new (array.constructor as new (length: number) => T)(capacity);
  next.set(array.subarray(0, Math.min(array.length, capacity)) as never);
  return next;
}

/** Index of the (doc, frequencies) pair for `doc` in a sorted posting list, or -1. */
function findPosting(list: Uint32Array, end: number, doc: number): number {
  let lo = 0;
  let hi = end >>> 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = list[mid * 2];
    if (at < doc) lo = mid + 1;
    else if (at > doc) hi = mid;
    else return mid * 2;
  }
  return -1;
}

function fieldMask(packed: number): number {
  let mask = 0;
  for (let f = 0; f < FIELD_COUNT; f++) if (((packed >>> (8 * f)) & 0xff) !== 0) mask |= 1 << f;
  return mask;
}

function normaliseValue(value: string): string {
  return value.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');
}

function listOf(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 53-bit hash (cyrb53) of everything that decides an item's terms, to skip re-indexing. */
function textHashOf(item: SearchableItem, keys: readonly string[]): number {
  const text = [
    item.title,
    item.description,
    item.brand,
    item.categoryPath.join('\u0001'),
    keys.join('\u0001'),
  ].join('\u0000');
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
