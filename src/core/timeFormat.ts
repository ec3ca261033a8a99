// Time claims for people: ISO UTC and relative to the injected `now`.
import type { TimeInfo } from './types.ts';

const MAX_DATE_SECONDS = 8.64e12;

/** ISO UTC text of an epoch-seconds value, or a plain note when no calendar date exists for it. */
export function isoTime(epochSeconds: number): string {
  if (!Number.isFinite(epochSeconds) || Math.abs(epochSeconds) > MAX_DATE_SECONDS)
    return 'out of calendar range';
  return new Date(Math.round(epochSeconds * 1000)).toISOString();
}

/**
 * The one relative-time function of every surface: "in 59 minutes", "3 hours ago", "now". `parts` units are
 * shown (2 gives "in 4 minutes 10 seconds", precise enough for a live countdown).
 */
export function relativeTime(epochSeconds: number, now: number, parts = 1): string {
  if (!Number.isFinite(epochSeconds) || !Number.isFinite(now)) return 'never';
  const delta = epochSeconds - now;
  const abs = Math.abs(delta);
  if (abs < 1) return 'now';
  const text = duration(abs, parts);
  return delta > 0 ? `in ${text}` : `${text} ago`;
}

const DURATION_UNITS: readonly (readonly [number, string])[] = [
  [365 * 86400, 'year'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'minute'],
  [1, 'second'],
];

/** "59 minutes", "1 hour", "2 days" (or "4 minutes 10 seconds" with parts = 2) for a positive number of seconds. */
export function duration(seconds: number, parts = 1): string {
  const shown: string[] = [];
  let rest = seconds;
  for (const [size, name] of DURATION_UNITS) {
    if (rest < size) {
      if (shown.length > 0) break;
      continue;
    }
    const count = Math.floor(rest / size);
    if (count > 1e6) return `more than a million ${name}s`;
    shown.push(`${count} ${name}${count === 1 ? '' : 's'}`);
    rest -= count * size;
    if (shown.length >= parts) break;
  }
  return shown.length > 0 ? shown.join(' ') : `${seconds.toFixed(1)} seconds`;
}

/** A TimeInfo for a numeric time claim. */
export function timeInfo(epochSeconds: number, now: number): TimeInfo {
  return { epoch: epochSeconds, iso: isoTime(epochSeconds), relative: relativeTime(epochSeconds, now) };
}

const JAVA_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const JAVA_MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

function twoDigits(value: number): string {
  return value < 10 ? `0${value}` : String(value);
}

/**
 * Java's `Date.toString()` in UTC (`EEE MMM dd HH:mm:ss zzz yyyy`, English names, every field zero-padded):
 * `Mon Apr 17 23:12:49 UTC 2017`, the text REST APIs give `exp` and `iat` in the backend's claims
 * (docs/aws-behaviour.md, observed). Undefined for a value with no calendar date or a year Java prints otherwise.
 */
export function javaDateText(epochSeconds: number): string | undefined {
  if (!Number.isFinite(epochSeconds) || Math.abs(epochSeconds) > MAX_DATE_SECONDS) return undefined;
  // Java's Date keeps milliseconds but toString() shows whole seconds, rounding down.
  const date = new Date(Math.floor(epochSeconds) * 1000);
  const year = date.getUTCFullYear();
  if (year < 1000 || year > 9999) return undefined;
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(twoDigits).join(':');
  const day = JAVA_DAYS[date.getUTCDay()] ?? '';
  const month = JAVA_MONTHS[date.getUTCMonth()] ?? '';
  return `${day} ${month} ${twoDigits(date.getUTCDate())} ${time} UTC ${year}`;
}
