// Text helpers for attacker-sized strings, each linear in the input. V8's backtracking regexes make innocent-looking
// patterns quadratic: /\/+$/ retries at every "/" of a long run that is followed by another character, and a lazy
// /BEGIN ...([\s\S]*?)END/g scans to the end of the text once per unclosed BEGIN.

/** `text` without its trailing "/" run (one backwards scan). */
export function trimTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}

/** One PEM block: its type ("PUBLIC KEY") and its whole text, BEGIN line to END line. */
export interface PemBlock {
  type: string;
  text: string;
}

const BEGIN = '-----BEGIN ';
const END = '-----END ';
const DASHES = '-----';
const PEM_TYPE_LIMIT = 40;

/** "TYPE" when `text` has "TYPE-----" at `at` (1 to 40 of A-Z, 0-9, space), else undefined. */
function pemTypeAt(text: string, at: number): string | undefined {
  let end = at;
  while (end < text.length && end - at <= PEM_TYPE_LIMIT) {
    const code = text.charCodeAt(end);
    const allowed = (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x20;
    if (!allowed) break;
    end++;
  }
  const length = end - at;
  if (length < 1 || length > PEM_TYPE_LIMIT || !text.startsWith(DASHES, end)) return undefined;
  return text.slice(at, end);
}

/**
 * The PEM blocks of `text`, in order, as /-----BEGIN ([A-Z0-9 ]{1,40})-----([\s\S]*?)-----END \1-----/g finds
 * them: each BEGIN pairs with the first later END of the same type. One pass collects the END markers per type;
 * a forward-only cursor per type pairs them, so the work is O(text) however many blocks are left unclosed.
 */
export function pemBlocks(text: string): PemBlock[] {
  const endsByType = new Map<string, number[]>();
  for (let at = text.indexOf(END); at !== -1; at = text.indexOf(END, at + 1)) {
    const type = pemTypeAt(text, at + END.length);
    if (type === undefined) continue;
    const list = endsByType.get(type) ?? [];
    list.push(at);
    endsByType.set(type, list);
  }
  const cursor = new Map<string, number>();
  const blocks: PemBlock[] = [];
  let from = 0;
  for (let at = text.indexOf(BEGIN, from); at !== -1; at = text.indexOf(BEGIN, Math.max(from, at + 1))) {
    const type = pemTypeAt(text, at + BEGIN.length);
    if (type === undefined) continue;
    const bodyStart = at + BEGIN.length + type.length + DASHES.length;
    const ends = endsByType.get(type) ?? [];
    let next = cursor.get(type) ?? 0;
    while (next < ends.length && (ends[next] ?? 0) < bodyStart) next++;
    cursor.set(type, next);
    const close = ends[next];
    if (close === undefined) continue;
    const blockEnd = close + END.length + type.length + DASHES.length;
    blocks.push({ type, text: text.slice(at, blockEnd) });
    from = blockEnd;
  }
  return blocks;
}
