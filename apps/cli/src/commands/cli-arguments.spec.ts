import { fraction, nonNegativeNumber, positiveNumber, wholeNumber } from './cli-arguments';

describe('CLI option parsers', () => {
  it('wholeNumber accepts whole numbers from its minimum, with _ separators', () => {
    const parse = wholeNumber('--items', 1);
    expect(parse('20000')).toBe(20000);
    expect(parse(' 1_000_000 ')).toBe(1000000);
    expect(parse('1')).toBe(1);
    expect(wholeNumber('--skip', 0)('0')).toBe(0);
  });

  it.each(['0', '-3', '2.5', '', 'ten', '1e3', '0x10', '99999999999999999'])(
    'wholeNumber refuses %p, naming the option and the value',
    (value) => {
      expect(() => wholeNumber('--items', 1)(value)).toThrow(
        `--items must be a whole number >= 1, got ${value}`,
      );
    },
  );

  it('positiveNumber and nonNegativeNumber take decimals and exponents, and differ only at 0', () => {
    expect(positiveNumber('--rate')('2.5')).toBe(2.5);
    expect(positiveNumber('--rate')('1e3')).toBe(1000);
    expect(() => positiveNumber('--rate')('0')).toThrow('--rate must be a positive number, got 0');
    expect(nonNegativeNumber('--think')('0')).toBe(0);
    expect(() => nonNegativeNumber('--think')('-1')).toThrow(
      '--think must be a number >= 0, got -1',
    );
    expect(() => positiveNumber('--rate')('')).toThrow('--rate must be a positive number, got ');
    expect(() => positiveNumber('--rate')('Infinity')).toThrow(/--rate/);
  });

  it('fraction accepts [0, 1) only', () => {
    expect(fraction('--validation')('0')).toBe(0);
    expect(fraction('--validation')('.25')).toBe(0.25);
    expect(() => fraction('--validation')('1')).toThrow(
      '--validation must be a number in [0, 1), got 1',
    );
    expect(() => fraction('--validation')('abc')).toThrow(/--validation/);
  });
});
