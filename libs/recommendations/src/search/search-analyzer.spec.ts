import {
  analyzeQuery,
  analyzeText,
  BIGRAM_PREFIX as B,
  displayTerm,
  isDictionaryTerm,
  UNIGRAM_PREFIX as U,
} from './search-analyzer';

describe('analyzeText', () => {
  it('keeps the shared tokenizer words for English', () => {
    expect(analyzeText("Men's Trail-Running Shoes")).toEqual({
      words: ['men', 'trail', 'running', 'shoes'],
      grams: [],
    });
  });

  it('adds character unigrams and bigrams for Chinese runs, skipping particles', () => {
    const { words, grams } = analyzeText('Nike 跑步鞋的');
    expect(words).toEqual(['nike', '跑步', '鞋']);
    expect(grams).toEqual([U + '跑', B + '跑步', U + '步', B + '步鞋', U + '鞋']);
  });

  it('does not pair characters across separators', () => {
    expect(analyzeText('跑 鞋').grams).toEqual([U + '跑', U + '鞋']);
  });
});

describe('analyzeQuery', () => {
  it('marks the last word as a prefix only while it is being typed', () => {
    expect(analyzeQuery('running sho').words).toEqual([
      { term: 'running', prefix: false, correctable: true },
      { term: 'sho', prefix: true, correctable: true },
    ]);
    expect(analyzeQuery('running sho ').words[1].prefix).toBe(false);
    expect(analyzeQuery('shoes for').words).toEqual([
      { term: 'shoes', prefix: false, correctable: true },
    ]);
  });

  it('never corrects words with digits', () => {
    expect(analyzeQuery('iphone15 case').words[0].correctable).toBe(false);
  });

  it('splits Chinese into required characters and scoring bigrams and words', () => {
    const { words, cjk } = analyzeQuery('跑鞋 蓝牙耳机');
    expect(words).toEqual([]);
    expect(cjk).toEqual([
      { text: '跑鞋', unigrams: [U + '跑', U + '鞋'], bigrams: [B + '跑鞋'], words: ['跑鞋'] },
      {
        text: '蓝牙耳机',
        unigrams: [U + '蓝', U + '牙', U + '耳', U + '机'],
        bigrams: [B + '蓝牙', B + '牙耳', B + '耳机'],
        words: ['蓝牙', '耳机'],
      },
    ]);
  });

  it('treats a lone stopword being typed as a prefix', () => {
    expect(analyzeQuery('the').words).toEqual([{ term: 'the', prefix: true, correctable: false }]);
    expect(analyzeQuery('the ').words).toEqual([]);
  });

  it('names terms for people and for the dictionary', () => {
    expect(displayTerm(B + '跑步')).toBe('跑步');
    expect(isDictionaryTerm('shoes')).toBe(true);
    expect(isDictionaryTerm('跑步')).toBe(false);
    expect(isDictionaryTerm(U + 'a')).toBe(false);
  });
});
