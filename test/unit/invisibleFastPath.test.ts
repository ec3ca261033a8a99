// The invisible-character lint skips its walk over every claim when the raw JSON cannot hold such a character
// (decode.ts `maybeInvisible`). The skip must never hide one: however the JSON spells it (raw, `\uXXXX`, `\r`,
// `\b`, `\f`, DEL, surrogate-pair escapes, whitespace anywhere), the flag is set and the lint fires.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeToken } from '../../src/core/decode.ts';
import { lintToken } from '../../src/core/lints.ts';
import { INVISIBLE_RANGES, hasInvisible } from '../../src/core/textSafety.ts';

const NOW = 1_700_000_000;
const HEADER = '{"alg":"HS256","typ":"JWT"}';

function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

function token(payloadText: string, headerText = HEADER): string {
  return `${b64url(headerText)}.${b64url(payloadText)}.c2ln`;
}

function invisibleWarnings(text: string): string[] {
  return lintToken(decodeToken(text), NOW)
    .filter((w) => w.id === 'invisible-characters')
    .map((w) => w.message);
}

/** Whether any key or string of the parsed value holds a hidden character (the walk the fast path skips). */
function holdsInvisible(value: unknown): boolean {
  if (typeof value === 'string') return hasInvisible(value);
  if (Array.isArray(value)) return value.some(holdsInvisible);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).some(([key, inner]) => hasInvisible(key) || holdsInvisible(inner));
  return false;
}

const unicodeEscape = (unit: number): string => `\\u${unit.toString(16).padStart(4, '0')}`;
const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A JSON string literal for `text`, each UTF-16 unit spelled raw, short-escaped or \u-escaped as `style` picks. */
function quote(text: string, style: number[]): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    const ch = text[i] ?? '';
    const pick = style[i % style.length] ?? 0;
    const mustEscape = unit < 0x20 || ch === '"' || ch === '\\' || (unit >= 0xd800 && unit <= 0xdfff);
    if (pick === 1 && SHORT_ESCAPES[ch] !== undefined) out += SHORT_ESCAPES[ch];
    else if (pick === 2 || mustEscape) out += SHORT_ESCAPES[ch] ?? unicodeEscape(unit);
    else out += ch;
  }
  return `${out}"`;
}

// Characters of every kind: plain ASCII, escapable ASCII, DEL, each end of every hidden range, visible non-ASCII.
const interesting = [
  ...'aZ09 -_:{}[],"\\/',
  '\b',
  '\f',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u007f',
  'é',
  '中',
  '\u{1f600}',
  ...INVISIBLE_RANGES.flatMap((range) => [range.from, range.to])
    .filter((codePoint) => codePoint < 0xd800 || codePoint > 0xdfff)
    .map((codePoint) => String.fromCodePoint(codePoint)),
];
const plain = [...'abcXYZ019 -_.:/'];
const textArb = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...plain) },
      { weight: 1, arbitrary: fc.constantFrom(...interesting) },
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));
const styleArb = fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 5 });
const spaceArb = fc.constantFrom('', ' ', '\t', '\n', '\r\n ');

/** A JSON object text with random spellings and whitespace, one level of nesting. */
const objectTextArb = fc
  .array(
    fc.tuple(
      textArb,
      styleArb,
      fc.oneof(textArb, fc.array(textArb, { maxLength: 2 })),
      styleArb,
      spaceArb,
      spaceArb,
    ),
    { minLength: 1, maxLength: 5 },
  )
  .map((members) => {
    const seen = new Set<string>();
    const parts: string[] = [];
    for (const [key, keyStyle, value, valueStyle, before, after] of members) {
      if (seen.has(key)) continue; // repeated keys are another lint's business
      seen.add(key);
      const valueText = Array.isArray(value)
        ? `[${value.map((item) => quote(item, valueStyle)).join(`,${after}`)}]`
        : quote(value, valueStyle);
      parts.push(`${before}${quote(key, keyStyle)}${before}:${after}${valueText}${after}`);
    }
    return `{${parts.join(',')}}`;
  });

void describe('invisible-character lint fast path', () => {
  void it('never skips a token that holds a hidden character, however it is spelled', () => {
    let skipped = 0;
    let flagged = 0;
    fc.assert(
      fc.property(objectTextArb, fc.boolean(), (payloadText, inHeader) => {
        const text = inHeader ? token('{"sub":"x"}', payloadText) : token(payloadText);
        const decoded = decodeToken(text);
        assert.equal(decoded.format.status, 'pass', payloadText);
        const parsed: unknown = JSON.parse(payloadText);
        const hidden = holdsInvisible(parsed);
        if (hidden) {
          flagged++;
          assert.ok(decoded.maybeInvisible, `flag not set for ${JSON.stringify(payloadText)}`);
          assert.equal(invisibleWarnings(text).length, 1, payloadText);
        }
        if (!decoded.maybeInvisible) skipped++;
        // Forcing the walk never finds more than the fast path reported.
        assert.deepEqual(
          lintToken({ ...decoded, maybeInvisible: true }, NOW),
          lintToken(decoded, NOW),
          payloadText,
        );
      }),
      { numRuns: 3000 },
    );
    // Both branches were exercised (the generator is not degenerate).
    assert.ok(skipped > 50, `skipped ${skipped}`);
    assert.ok(flagged > 50, `flagged ${flagged}`);
  });

  void it('each spelling that can carry a hidden character sets the flag and warns', () => {
    const spellings = [
      '{"role":"ad\u007fmin"}', // DEL is legal raw JSON
      '{"role":"ad\\u007fmin"}',
      '{"role":"ad\\u200bmin"}',
      '{"role":"ad\\U200Bmin"}'.replace('\\U200B', '\\u200B'),
      '{"role":"admin\\rguest"}',
      '{"role":"admin\\bguest"}',
      '{"role":"admin\\fguest"}',
      '{"role":"admin\\u0000"}',
      '{"role":"admin\\udb40\\udc41"}', // tag character as a surrogate pair
      '{"role":"admin\\ud800"}', // lone surrogate
      '{"ro\\u2060le" : "admin"}', // in a key, with a space before the colon
      '{"role":"admin\u2028"}',
      '{"role":"admin\\\\\\u200b"}', // an escaped backslash, then the escape
    ];
    for (const payloadText of spellings) {
      const text = token(payloadText);
      assert.ok(decodeToken(text).maybeInvisible, payloadText);
      assert.equal(invisibleWarnings(text).length, 1, payloadText);
    }
    assert.equal(invisibleWarnings(token('{"sub":"x"}', '{"alg":"HS256","k\\u200b":1}')).length, 1);
  });

  void it('plain ASCII, and the escapes that cannot hide anything, take the fast path', () => {
    for (const payloadText of [
      '{"sub":"x","scope":"a b","iss":"https://example.com/x"}',
      '{"url":"https:\\/\\/example.com","quote":"say \\"hi\\"","lines":"a\\nb\\tc"}',
      '{ "sub" : "x" ,\n "n" : [1, 2] }',
    ]) {
      const decoded = decodeToken(token(payloadText));
      assert.equal(decoded.format.status, 'pass', payloadText);
      assert.equal(decoded.maybeInvisible, false, payloadText);
    }
    // An escaped backslash before a "u" is not an escape, but is counted: the safe side.
    assert.equal(decodeToken(token('{"p":"C:\\\\users"}')).maybeInvisible, true);
  });
});
