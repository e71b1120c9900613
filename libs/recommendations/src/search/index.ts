/**
 * In-memory catalog search: BM25F over title, brand, category and
 * description, English and Chinese, completion of the word being typed,
 * typo correction, filters and facets. Pure: no Nest, no database; the
 * service feeds it from the catalog read model and then from live events.
 */
export { SearchIndex } from './search-index';
export * from './search.types';
export { analyzeQuery, analyzeText } from './search-analyzer';
export type { AnalyzedQuery, AnalyzedText, QueryCjkGroup, QueryWord } from './search-analyzer';
export { osaDistance, TermDictionary } from './term-dictionary';
export type { DictionaryMatch, FuzzyMatch } from './term-dictionary';
