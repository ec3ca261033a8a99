// An independent list of the characters that must never reach a reader raw (issue 9 §3), and a scanner for
// captured output. Deliberately not built from src/core/textSafety.ts, so a gap in that table fails the tests.

export interface HiddenClass {
  name: string;
  from: number;
  to: number;
}

export const HIDDEN_CLASSES: readonly HiddenClass[] = [
  { name: 'C0 controls (ESC, BEL, CR, ...)', from: 0x00, to: 0x1f },
  { name: 'DEL', from: 0x7f, to: 0x7f },
  { name: 'C1 controls (CSI 0x9b, OSC 0x9d, ST 0x9c)', from: 0x80, to: 0x9f },
  { name: 'soft hyphen', from: 0xad, to: 0xad },
  { name: 'Arabic letter mark', from: 0x061c, to: 0x061c },
  { name: 'Mongolian vowel separator', from: 0x180e, to: 0x180e },
  { name: 'zero-width and direction marks', from: 0x200b, to: 0x200f },
  { name: 'line and paragraph separators', from: 0x2028, to: 0x2029 },
  { name: 'bidi embeddings and overrides', from: 0x202a, to: 0x202e },
  { name: 'word joiner and invisible operators', from: 0x2060, to: 0x2064 },
  { name: 'bidi isolates', from: 0x2066, to: 0x2069 },
  { name: 'variation selectors', from: 0xfe00, to: 0xfe0f },
  { name: 'BOM', from: 0xfeff, to: 0xfeff },
  { name: 'tag characters', from: 0xe0000, to: 0xe007f },
  { name: 'variation selectors supplement', from: 0xe0100, to: 0xe01ef },
];

/** Terminal attacks as they would arrive in a claim, a name or an argument. */
export const HOSTILE_SEQUENCES = {
  osc52: '\x1b]52;c;aGFja2Vk\x07',
  osc8: '\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\',
  csi: '\x1b[31mred\x1b[0m\x1b[2J',
  c1csi: '\x9b31m',
  carriageReturn: 'admin\rguest',
  bidi: 'user\u202enimda\u2066x\u2069',
  zeroWidth: 'ad\u200bmin\u2060\ufeff\u00ad\u061c\u180e',
  separators: 'line\u2028para\u2029',
  tags: 'ok\u{e0041}\u{e007f}',
} as const;

/**
 * Hidden characters (as U+XXXX) found raw in `text`, scanning every UTF-16 unit so a lone surrogate or a broken
 * pair is seen too; `allowed` lists the layout characters the caller accepts (e.g. "\n").
 */
export function hiddenIn(text: string, allowed: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const codePoint = text.codePointAt(i) ?? 0;
    if (codePoint > 0xffff) i++;
    else if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      found.push(`lone surrogate U+${codePoint.toString(16)}`);
      continue;
    }
    if (allowed.includes(String.fromCodePoint(codePoint))) continue;
    if (HIDDEN_CLASSES.some((c) => codePoint >= c.from && codePoint <= c.to))
      found.push(`U+${codePoint.toString(16).toUpperCase()}`);
  }
  return found;
}
