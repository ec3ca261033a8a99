// Display helpers shared by the hover (host) and the webviews: pure, no vscode, no DOM. The facts they show have
// one owner each in the core (text safety, kind labels, relative time); this module only re-exports them.
export { hasInvisible, visibleText } from '../core/textSafety.ts';
export { kindLabel } from '../core/kindLabels.ts';
export { relativeTime } from '../core/timeFormat.ts';

/** A claim value on one line: strings as they are, everything else as compact JSON. */
export function claimText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '[unprintable]';
  }
}
