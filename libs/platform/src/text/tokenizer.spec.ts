import { decodeKey, encodeKey } from './document-key';
import { MAX_TERM_LENGTH, tokenize, uniqueTerms } from './tokenizer';

describe('tokenize', () => {
  it('lower-cases English and splits on everything but letters and digits', () => {
    expect(tokenize('Trail-Running SHOES, size 42!')).toEqual([
      'trail',
      'running',
      'shoes',
      'size',
      '42',
    ]);
  });

  it('drops the tiny stopword list', () => {
    expect(tokenize("The shoes for a men's run")).toEqual(['shoes', 'men', 'run']);
  });

  it('normalises compatibility forms (NFKC), e.g. full-width letters', () => {
    expect(tokenize('ＮＩＫＥ　Ａｉｒ')).toEqual(['nike', 'air']);
  });

  it('segments Chinese into words', () => {
    const terms = tokenize('红色跑步鞋');
    expect(terms).toContain('跑步');
    expect(terms.join('')).toBe('红色跑步鞋');
  });

  it('segments mixed Chinese and Latin text', () => {
    const terms = tokenize('Nike 男士跑步鞋');
    expect(terms[0]).toBe('nike');
    expect(terms).toEqual(expect.arrayContaining(['男士', '跑步']));
  });

  it('drops Chinese particles the segmenter returns as words', () => {
    expect(tokenize('红色的鞋子')).not.toContain('的');
  });

  it('keeps non-Latin spaced scripts whole', () => {
    expect(tokenize('Кроссовки беговые')).toEqual(['кроссовки', 'беговые']);
  });

  it('is deterministic and returns nothing for text without words', () => {
    const text = 'Wasserdichter Laufschuh 防水跑鞋 for trails';
    expect(tokenize(text)).toEqual(tokenize(text));
    expect(tokenize(' -- !! ')).toEqual([]);
  });

  it('cuts pathological words to a bounded length', () => {
    expect(tokenize('x'.repeat(500))[0]).toHaveLength(MAX_TERM_LENGTH);
  });

  it('lists each term once for uniqueTerms', () => {
    expect(uniqueTerms('shoes Shoes SHOES socks')).toEqual(['shoes', 'socks']);
  });
});

describe('document keys', () => {
  it('leaves ordinary keys alone and escapes what MongoDB refuses, reversibly', () => {
    for (const raw of ['Shoes>Running', 'Dr. Martens', '$money', '100%', 'a\0b', '', '%2E']) {
      const key = encodeKey(raw);
      expect(key).not.toMatch(/^\$|\.|\0/);
      expect(key).not.toBe('');
      expect(decodeKey(key)).toBe(raw);
    }
    expect(encodeKey('Shoes>Running')).toBe('Shoes>Running');
    expect(encodeKey('Dr. Martens')).toBe('Dr%2E Martens');
  });
});
