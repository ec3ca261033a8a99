// Time claims for people: ISO UTC and relative to the injected `now`.
import type { TimeInfo } from './types.ts';

const MAX_DATE_SECONDS = 8.64e12;

/** ISO UTC text of an epoch-seconds value, or a plain note when no calendar date exists for it. */
export function isoTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds) || Math.abs(epochSeconds) > MAX_DATE_SECONDS)
    return 'out of calendar range';
  return new Date(Math.round(epochSeconds * 1000)).toISOString();
}

/** "in 59 minutes", "3 hours ago", "now". */
export function relativeTime(epochSeconds: number, now: number): string {
  if (!Number.isFinite(epochSeconds)) return 'never';
  const delta = epochSeconds - now;
  const abs = Math.abs(delta);
  if (abs < 1) return 'now';
  const text = duration(abs);
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

const DURATION_UNITS: readonly (readonly [number, string])[] = [
  [365 * 86400, 'year'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "59 minutes", "1 hour", "2 days" for a positive number of seconds. */
export function duration(seconds: number): string {
  for (const [size, name] of DURATION_UNITS) {
    if (seconds >= size) {
      const count = Math.floor(seconds / size);
      if (count > 1e6) return `more than a million ${name}s`;
      return `${count} ${name}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds.toFixed(1)} seconds`;
}

/** A TimeInfo for a numeric time claim. */
export function timeInfo(epochSeconds: number, now: number): TimeInfo {
  return { epoch: epochSeconds, iso: isoTime(epochSeconds), relative: relativeTime(epochSeconds, now) };
}
