import { priceBand, priceBandKey } from './price-band';

describe('price bands', () => {
  it.each([
    [0, '0-5'],
    [4.99, '0-5'],
    [5, '5-10'],
    [79.9, '50-100'],
    [100, '100-200'],
    [49_999, '20000-50000'],
    [60_000, '50000+'],
  ])('puts %p in %p (lower bound inclusive)', (price, band) => {
    expect(priceBand(price)).toBe(band);
  });

  it('keys bands by currency, which the projection cannot convert', () => {
    expect(priceBandKey(79.9, 'EUR')).toBe('EUR:50-100');
  });

  it('refuses a negative or non-finite price', () => {
    expect(() => priceBand(-1)).toThrow(RangeError);
    expect(() => priceBand(Number.NaN)).toThrow(RangeError);
  });
});
