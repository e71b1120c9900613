import { relativeTime } from './relative-time';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('relativeTime', () => {
  it.each([
    [0, 'just now'],
    [30 * SECOND, 'just now'],
    [50 * SECOND, '1 min ago'],
    [3 * MINUTE + 50 * SECOND, '3 min ago'],
    [59 * MINUTE, '59 min ago'],
    [HOUR, '1 hour ago'],
    [5 * HOUR + 59 * MINUTE, '5 hours ago'],
    [DAY, '1 day ago'],
    [6 * DAY, '6 days ago'],
    [7 * DAY, '1 week ago'],
    [29 * DAY, '4 weeks ago'],
    [45 * DAY, '1 month ago'],
    [200 * DAY, '6 months ago'],
    [800 * DAY, '2 years ago'],
    [-5 * MINUTE, 'just now'],
  ])('%i ms before now is "%s"', (elapsed, expected) => {
    expect(relativeTime(NOW - elapsed, NOW)).toBe(expected);
  });
});
