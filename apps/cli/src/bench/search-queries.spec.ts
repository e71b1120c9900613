import { SeededRandom } from '@pulse/testing/synthetic/shop/random';
import { misspell, shorten, withTypo } from './search-queries';

describe('search benchmark queries', () => {
  it('makes one small slip in a Latin word of 5+ letters, never in the first letter', () => {
    const random = new SeededRandom(7);
    for (let i = 0; i < 200; i++) {
      const typo = withTypo('sneaker', random);
      expect(typo).not.toBe('sneaker');
      expect(typo[0]).toBe('s');
      expect(Math.abs(typo.length - 'sneaker'.length)).toBeLessThanOrEqual(1);
    }
  });

  it('changes words with doubled letters too', () => {
    const random = new SeededRandom(11);
    for (let i = 0; i < 200; i++) expect(withTypo('coffee', random)).not.toBe('coffee');
  });

  it('leaves short and non-Latin words alone', () => {
    const random = new SeededRandom(7);
    expect(withTypo('shoe', random)).toBe('shoe');
    expect(withTypo('越野跑鞋', random)).toBe('越野跑鞋');
    expect(withTypo('non-slip', random)).toBe('non-slip');
  });

  it('shortens to the word limit and keeps the last word (the noun)', () => {
    const random = new SeededRandom(3);
    for (let i = 0; i < 50; i++) {
      const short = shorten('light waterproof trail running shoes', 3, random).split(' ');
      expect(short).toHaveLength(3);
      expect(short[2]).toBe('shoes');
    }
    expect(shorten('shoes', 3, random)).toBe('shoes');
  });

  it('misspells exactly one eligible word, and leaves text without one as is', () => {
    const random = new SeededRandom(4);
    const out = misspell('red running shoes', random).split(' ');
    const changed = ['red', 'running', 'shoes'].filter((w, i) => out[i] !== w);
    expect(changed).toHaveLength(1);
    expect(changed[0]).not.toBe('red');
    expect(misspell('red hat 跑鞋', random)).toBe('red hat 跑鞋');
  });
});
