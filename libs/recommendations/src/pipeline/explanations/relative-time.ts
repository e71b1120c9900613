const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "3 min ago", "2 hours ago", "5 days ago": how long before `now` an instant
 * was, in the largest whole unit, rounded down (a view 3 min 50 s ago was
 * "3 min ago"). Under 45 s, or in the future (a client clock ahead of the
 * server's), it is "just now". English only; the ISO instant is returned
 * next to it in every reason, for shops that localise.
 */
export function relativeTime(then: number, now: number): string {
  const elapsed = now - then;
  if (!Number.isFinite(elapsed)) return 'some time ago';
  if (elapsed < 45 * SECOND) return 'just now';
  if (elapsed < HOUR) return `${Math.max(1, Math.floor(elapsed / MINUTE))} min ago`;
  if (elapsed < DAY) return plural(Math.floor(elapsed / HOUR), 'hour');
  if (elapsed < 7 * DAY) return plural(Math.floor(elapsed / DAY), 'day');
  if (elapsed < 30 * DAY) return plural(Math.floor(elapsed / (7 * DAY)), 'week');
  if (elapsed < 365 * DAY) return plural(Math.floor(elapsed / (30 * DAY)), 'month');
  return plural(Math.floor(elapsed / (365 * DAY)), 'year');
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'} ago`;
}
