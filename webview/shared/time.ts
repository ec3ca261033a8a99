// Time rendering in the webviews: local and UTC strings, and live relative times that tick every second.
import { relativeTime } from '../../src/core/timeFormat.ts';

/** Local date and time, with the time zone name. */
export function localTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  if (Number.isNaN(date.getTime())) return 'not a date';
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long' });
}

/** ISO 8601 UTC. */
export function utcTime(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString().replace('.000Z', 'Z');
}

/** Live text for a node: `epoch` shown relative to `now` (epoch seconds). */
type RelativeFormat = (epoch: number, now: number) => string;

/** Two units, so the countdown visibly ticks: "in 4 minutes 10 seconds". */
const countdown: RelativeFormat = (epoch, now) => relativeTime(epoch, now, 2);

const live = new Set<{ node: HTMLElement; epoch: number; format: RelativeFormat }>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick(): void {
  const now = Date.now() / 1000;
  for (const entry of live) {
    if (!entry.node.isConnected) {
      live.delete(entry);
      continue;
    }
    entry.node.textContent = entry.format(entry.epoch, now);
  }
  if (live.size === 0 && timer !== undefined) {
    clearInterval(timer);
    timer = undefined;
  }
}

/** Keep `node`'s text updated every second with `format(epoch, now)`. */
export function keepRelative(node: HTMLElement, epoch: number, format: RelativeFormat = countdown): void {
  const entry = { node, epoch, format };
  live.add(entry);
  node.textContent = format(epoch, Date.now() / 1000);
  timer ??= setInterval(tick, 1000);
}

/** The expiry countdown text. */
export function expiryText(epoch: number, now: number): string {
  if (!Number.isFinite(epoch)) return 'no usable expiry';
  return `${epoch > now ? 'expires' : 'expired'} ${countdown(epoch, now)}`;
}
