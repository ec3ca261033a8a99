// Text safety for every surface (terminal, Markdown, webviews, lints): one table of characters that are invisible,
// reorder text or drive a terminal, and one linear scan over it. No regular expression is built from data.

/** One range of code points that never reach a reader raw, with why it is dangerous. */
export interface InvisibleRange {
  readonly from: number;
  readonly to: number;
  readonly why: string;
}

/** Sorted, non-overlapping. Every surface and the invisible-character lint use exactly this table. */
export const INVISIBLE_RANGES: readonly InvisibleRange[] = [
  {
    from: 0x0000,
    to: 0x001f,
    why: 'C0 controls: ESC starts CSI/OSC sequences (colour, OSC 8 links, OSC 52 clipboard), CR overwrites the line',
  },
  {
    from: 0x007f,
    to: 0x009f,
    why: 'DEL and C1 controls: 0x9b (CSI) and 0x9d (OSC) act as ESC sequences on their own',
  },
  { from: 0x00ad, to: 0x00ad, why: 'soft hyphen' },
  { from: 0x034f, to: 0x034f, why: 'combining grapheme joiner' },
  { from: 0x061c, to: 0x061c, why: 'Arabic letter mark (bidirectional)' },
  { from: 0x115f, to: 0x1160, why: 'Hangul fillers' },
  { from: 0x17b4, to: 0x17b5, why: 'Khmer inherent vowels (invisible)' },
  { from: 0x180b, to: 0x180f, why: 'Mongolian variation selectors and vowel separator' },
  {
    from: 0x200b,
    to: 0x200f,
    why: 'zero-width space, non-joiner, joiner; left-to-right and right-to-left marks',
  },
  { from: 0x2028, to: 0x2029, why: 'line and paragraph separators' },
  { from: 0x202a, to: 0x202e, why: 'bidirectional embeddings and overrides' },
  {
    from: 0x2060,
    to: 0x206f,
    why: 'word joiner, invisible operators, bidirectional isolates, deprecated format controls',
  },
  { from: 0x3164, to: 0x3164, why: 'Hangul filler' },
  { from: 0xd800, to: 0xdfff, why: 'lone surrogate (not a character)' },
  // Variation selectors change how the previous character looks and can carry hidden bytes after an emoji.
  { from: 0xfe00, to: 0xfe0f, why: 'variation selectors' },
  { from: 0xfeff, to: 0xfeff, why: 'byte order mark / zero-width no-break space' },
  { from: 0xffa0, to: 0xffa0, why: 'halfwidth Hangul filler' },
  { from: 0xfff9, to: 0xfffb, why: 'interlinear annotation controls' },
  { from: 0x1bca0, to: 0x1bca3, why: 'shorthand format controls' },
  { from: 0x1d173, to: 0x1d17a, why: 'musical symbol format controls' },
  { from: 0xe0000, to: 0xe007f, why: 'tag characters (invisible ASCII copies)' },
  { from: 0xe0100, to: 0xe01ef, why: 'variation selectors supplement' },
];

const TAB = 0x09;
const LINE_FEED = 0x0a;

/** Whether a code point is in the table (tab and line feed included: they are C0 controls). */
export function isInvisibleCodePoint(codePoint: number): boolean {
  if (codePoint < 0x7f) return codePoint < 0x20;
  let low = 0;
  let high = INVISIBLE_RANGES.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const range = INVISIBLE_RANGES[middle];
    if (range === undefined) return false;
    if (codePoint < range.from) high = middle - 1;
    else if (codePoint > range.to) low = middle + 1;
    else return true;
  }
  return false;
}

/** Tab and line feed lay out multi-line text; every other table entry is hidden from the reader. */
function isLayout(codePoint: number): boolean {
  return codePoint === TAB || codePoint === LINE_FEED;
}

/**
 * One pass over `text`: every code point for which `replace` is wanted is swapped for its replacement.
 * Unchanged text is returned as is, so the common case allocates nothing.
 */
function replaceInvisible(
  text: string,
  keepLayout: boolean,
  replacement: (codePoint: number, units: string) => string,
): string {
  let out: string[] | undefined;
  let copiedUpTo = 0;
  for (let index = 0; index < text.length;) {
    const codePoint = text.codePointAt(index) ?? 0;
    const size = codePoint > 0xffff ? 2 : 1;
    if (isInvisibleCodePoint(codePoint) && !(keepLayout && isLayout(codePoint))) {
      out ??= [];
      out.push(text.slice(copiedUpTo, index), replacement(codePoint, text.slice(index, index + size)));
      copiedUpTo = index + size;
    }
    index += size;
  }
  if (out === undefined) return text;
  out.push(text.slice(copiedUpTo));
  return out.join('');
}

/** `\uXXXX` per UTF-16 unit: readable, and a valid JSON and JavaScript escape, so JSON output stays JSON. */
function unicodeEscape(_codePoint: number, units: string): string {
  let out = '';
  for (let i = 0; i < units.length; i++) out += `\\u${units.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return out;
}

function codePointLabel(codePoint: number): string {
  return `⟨U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/**
 * One field (a claim, a name, a message) for a terminal: every character of the table, tab and line feed
 * included, becomes a visible `\uXXXX`, so the field stays on its line and cannot drive the terminal.
 */
export function escapeForTerminal(text: string): string {
  return replaceInvisible(text, false, unicodeEscape);
}

/**
 * Whole terminal output (what the CLI's writer applies to every write): as escapeForTerminal, but tab and
 * line feed are kept so multi-line output keeps its lines. Idempotent: escaped text holds nothing to escape.
 */
export function escapeTerminalOutput(text: string): string {
  return replaceInvisible(text, true, unicodeEscape);
}

/** Text for a webview or the editor: every hidden character shown as ⟨U+XXXX⟩; tab and line feed kept. */
export function visibleText(text: string): string {
  return replaceInvisible(text, true, codePointLabel);
}

/** Whether the text holds a character a reader would not see (tab and line feed are not counted). */
export function hasInvisible(text: string): boolean {
  for (let index = 0; index < text.length;) {
    const codePoint = text.codePointAt(index) ?? 0;
    if (isInvisibleCodePoint(codePoint) && !isLayout(codePoint)) return true;
    index += codePoint > 0xffff ? 2 : 1;
  }
  return false;
}

const MARKDOWN_PUNCTUATION = new Set('\\`*_{}[]()<>#+-.!|~:&"\'=$%^/;?@,');

/**
 * Plain text inside Markdown: hidden characters shown as ⟨U+XXXX⟩, line breaks as ⏎, and every ASCII
 * punctuation mark backslash-escaped so nothing becomes markup, a link or an autolink.
 */
export function escapeForMarkdown(text: string): string {
  const visible = oneLine(visibleText(text));
  let out = '';
  for (const ch of visible) out += MARKDOWN_PUNCTUATION.has(ch) ? `\\${ch}` : ch;
  return out;
}

/**
 * Text as a Markdown inline code span: inside one, markup, HTML and autolinks are all inert. The fence is one
 * backtick longer than the longest run of backticks in the text.
 */
export function markdownCodeSpan(text: string): string {
  const visible = oneLine(visibleText(text));
  let longest = 0;
  let run = 0;
  for (let i = 0; i < visible.length; i++) {
    run = visible.charCodeAt(i) === 0x60 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  return `${fence} ${visible} ${fence}`;
}

/** Line feeds (the only line break visibleText keeps) and tabs shown as symbols, for one-line Markdown. */
function oneLine(text: string): string {
  let out: string[] | undefined;
  let copiedUpTo = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit !== LINE_FEED && unit !== TAB) continue;
    out ??= [];
    out.push(text.slice(copiedUpTo, i), unit === LINE_FEED ? '⏎' : '⇥');
    copiedUpTo = i + 1;
  }
  if (out === undefined) return text;
  out.push(text.slice(copiedUpTo));
  return out.join('');
}
