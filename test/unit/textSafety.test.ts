// Text safety: one table of hidden characters, escaped for the terminal, Markdown and webviews, and used by the lint.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { decodeToken } from '../../src/core/decode.ts';
import { kindInSentence, kindLabel } from '../../src/core/kindLabels.ts';
import { lintToken } from '../../src/core/lints.ts';
import {
  INVISIBLE_RANGES,
  escapeForMarkdown,
  escapeForTerminal,
  escapeTerminalOutput,
  hasInvisible,
  isInvisibleCodePoint,
  markdownCodeSpan,
  visibleText,
} from '../../src/core/textSafety.ts';
import { duration, relativeTime } from '../../src/core/timeFormat.ts';
import { b64url } from '../support/tokens.ts';
import { HIDDEN_CLASSES, HOSTILE_SEQUENCES, hiddenIn } from '../support/hiddenText.ts';

const NOW = 1_700_000_000;

/** One sample per class: the first, the last and a middle code point of each range the issue names. */
function samples(): { name: string; codePoint: number }[] {
  return HIDDEN_CLASSES.flatMap(({ name, from, to }) =>
    [...new Set([from, to, Math.floor((from + to) / 2)])].map((codePoint) => ({ name, codePoint })),
  );
}

void describe('the table', () => {
  test('is sorted and non-overlapping (binary search relies on it)', () => {
    for (let i = 1; i < INVISIBLE_RANGES.length; i++) {
      const previous = INVISIBLE_RANGES[i - 1];
      const range = INVISIBLE_RANGES[i];
      assert.ok(previous && range && previous.to < range.from, `${range?.from.toString(16)}`);
      assert.ok(range.from <= range.to);
    }
  });

  test('holds every class the issue names (checked against an independent list)', () => {
    for (const { name, codePoint } of samples()) {
      assert.ok(isInvisibleCodePoint(codePoint), `${name} U+${codePoint.toString(16)}`);
    }
  });

  test('leaves ordinary text alone, including non-Latin scripts and emoji', () => {
    for (const text of ['alice@example.com', 'Ünïcödé', 'Ελληνικά', 'العربية', '日本語', '👍', 'a b\tc']) {
      assert.equal(escapeTerminalOutput(text), text);
      assert.equal(visibleText(text), text);
      assert.equal(hasInvisible(text), false, text);
    }
  });
});

void describe('escapeForTerminal and escapeTerminalOutput', () => {
  test('every class comes out as a visible \\u escape, never raw', () => {
    for (const { name, codePoint } of samples()) {
      const raw = `a${String.fromCodePoint(codePoint)}b`;
      const field = escapeForTerminal(raw);
      assert.deepEqual(hiddenIn(field, ''), [], `${name}: ${JSON.stringify(field)}`);
      assert.match(field, /^a(\\u[0-9a-f]{4}){1,2}b$/, name);
      if (codePoint !== 0x09 && codePoint !== 0x0a) {
        assert.deepEqual(hiddenIn(escapeTerminalOutput(raw), '\n\t'), [], name);
        assert.equal(hasInvisible(raw), true, name);
      }
    }
  });

  test('OSC 52, OSC 8, CSI colour and a bare CR become readable, inert text', () => {
    for (const [name, sequence] of Object.entries(HOSTILE_SEQUENCES)) {
      const out = escapeTerminalOutput(`before ${sequence} after\n`);
      assert.deepEqual(hiddenIn(out, '\n'), [], name);
      assert.ok(out.startsWith('before ') && out.endsWith(' after\n'), name);
    }
    assert.equal(escapeTerminalOutput('\x1b]52;c;aGVsbG8=\x07'), '\\u001b]52;c;aGVsbG8=\\u0007');
    assert.equal(escapeTerminalOutput('admin\rguest'), 'admin\\u000dguest');
    assert.equal(escapeForTerminal('user\u202enimda'), 'user\\u202enimda');
  });

  test('output keeps its lines and tabs; a field does not', () => {
    assert.equal(escapeTerminalOutput('a\tb\nc\n'), 'a\tb\nc\n');
    assert.equal(escapeForTerminal('a\tb\nc'), 'a\\u0009b\\u000ac');
  });

  test('astral characters escape as surrogate pairs, lone surrogates too', () => {
    assert.equal(escapeForTerminal('x\u{e0041}'), 'x\\udb40\\udc41');
    assert.equal(escapeForTerminal('x\ud800y'), 'x\\ud800y');
    assert.equal(escapeForTerminal('👍'), '👍');
  });

  test('JSON output stays valid JSON with the same values', () => {
    const value: Record<string, string> = {
      all: samples()
        .map((s) => String.fromCodePoint(s.codePoint))
        .join(''),
    };
    for (const [name, sequence] of Object.entries(HOSTILE_SEQUENCES)) value[name] = sequence;
    value['\u202ekey'] = 'del\x7f c1\x9b ls\u2028 tag\u{e0041}';
    const text = JSON.stringify(value, null, 2);
    assert.ok(text.includes('\u202e'), 'JSON.stringify leaves U+202E raw: the writer must escape it');
    const escaped = escapeTerminalOutput(text);
    assert.deepEqual(hiddenIn(escaped, '\n'), []);
    assert.deepEqual(JSON.parse(escaped), value);
  });

  test('is idempotent', () => {
    const once = escapeTerminalOutput(Object.values(HOSTILE_SEQUENCES).join('\n'));
    assert.equal(escapeTerminalOutput(once), once);
    assert.equal(visibleText(visibleText('a\u202eb')), visibleText('a\u202eb'));
  });

  test('runs in linear time on megabytes of hostile text', () => {
    const hostile = '\u202e\x1b'.repeat(1 << 20);
    const clean = 'a'.repeat(4 << 20);
    const started = Date.now();
    assert.equal(escapeTerminalOutput(hostile).length, 12 << 20);
    assert.equal(escapeForTerminal(clean), clean);
    assert.equal(visibleText(hostile).length, 2 * (1 << 20) * '⟨U+202E⟩'.length);
    assert.equal(hasInvisible(clean), false);
    assert.ok(markdownCodeSpan('`'.repeat(1 << 20)).length > 3 << 20);
    assert.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
  });
});

void describe('webview and Markdown text', () => {
  test('visibleText shows each hidden character as ⟨U+XXXX⟩', () => {
    assert.equal(visibleText('user\u202enimda'), 'user⟨U+202E⟩nimda');
    assert.equal(visibleText('a\u{e0041}b'), 'a⟨U+E0041⟩b');
    assert.equal(visibleText('a\rb'), 'a⟨U+000D⟩b');
    for (const { name, codePoint } of samples()) {
      if (codePoint === 0x09 || codePoint === 0x0a) continue;
      assert.deepEqual(hiddenIn(visibleText(String.fromCodePoint(codePoint)), ''), [], name);
    }
  });

  test('a code span is longer than any backtick run, on one line, with nothing hidden', () => {
    assert.equal(markdownCodeSpan('a``b'), '``` a``b ```');
    assert.equal(markdownCodeSpan('x\ny\u2028'), '` x⏎y⟨U+2028⟩ `');
    assert.deepEqual(hiddenIn(markdownCodeSpan(Object.values(HOSTILE_SEQUENCES).join('\n')), ''), []);
  });

  test('escapeForMarkdown leaves no markup, link or autolink', () => {
    const out = escapeForMarkdown('[x](javascript:alert(1)) <img src=x> https://evil.example **b**\nnext');
    assert.ok(!/(^|[^\\])[[\]()<>*]/.test(out), out);
    assert.ok(!out.includes('https://'), out);
    assert.ok(!out.includes('\n'));
    assert.equal(escapeForMarkdown('plain words'), 'plain words');
  });
});

void describe('the invisible-character lint uses the same table', () => {
  function lint(payload: Record<string, unknown>, header: Record<string, unknown> = {}): string[] {
    const token = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT', ...header }))}.${b64url(
      JSON.stringify({ exp: NOW + 60, ...payload }),
    )}.c2ln`;
    return lintToken(decodeToken(token), NOW)
      .filter((w) => w.id === 'invisible-characters')
      .map((w) => w.message);
  }

  test('warns about every class, naming the claim', () => {
    for (const { name, codePoint } of samples()) {
      if (codePoint === 0x09 || codePoint === 0x0a) continue;
      const messages = lint({ role: `ad${String.fromCodePoint(codePoint)}min` });
      assert.equal(messages.length, 1, `${name} U+${codePoint.toString(16)}`);
      assert.match(messages[0] ?? '', /"role"/);
    }
  });

  test('a claim with U+2060 (word joiner), a CR, a tag character: warned', () => {
    assert.equal(lint({ name: 'ad\u2060min' }).length, 1);
    assert.equal(lint({ name: 'admin\rguest' }).length, 1);
    assert.equal(lint({ name: 'admin\u{e0041}' }).length, 1);
  });

  test('looks in names, nested values and the header', () => {
    assert.match(lint({ ['ro\u200ble']: 'x' })[0] ?? '', /ro/);
    assert.match(lint({ nested: { deep: ['ok', { k: 'a\u00adb' }] } })[0] ?? '', /"nested"/);
    assert.match(lint({}, { kid: 'k\u202e' })[0] ?? '', /"header\.kid"/);
  });

  test('plain claims, tabs and line feeds are not warned about', () => {
    assert.deepEqual(lint({ name: 'Ünïcödé 日本語 👍', note: 'a\tb\nc' }), []);
  });
});

void describe('one owner for labels and relative time', () => {
  test('kind labels', () => {
    assert.equal(kindLabel('cognito-id'), 'Cognito ID token');
    assert.equal(kindInSentence('alb-data'), 'an ALB x-amzn-oidc-data token');
  });

  test('relative time with one or two units', () => {
    assert.equal(relativeTime(NOW + 250, NOW), 'in 4 minutes');
    assert.equal(relativeTime(NOW + 250, NOW, 2), 'in 4 minutes 10 seconds');
    assert.equal(relativeTime(NOW - 3 * 3600 - 5, NOW, 2), '3 hours ago');
    assert.equal(relativeTime(NOW + 0.4, NOW, 2), 'now');
    assert.equal(relativeTime(Number.POSITIVE_INFINITY, NOW), 'never');
    assert.equal(duration(2 * 365 * 86400 + 86400, 2), '2 years 1 day');
  });

  test('no other file spells a kind label or defines a relative-time function', () => {
    const root = join(__dirname, '..', '..');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          const text = readFileSync(path, 'utf8');
          const relative = path.slice(root.length + 1);
          if (
            relative === join('src', 'core', 'kindLabels.ts') ||
            relative === join('src', 'core', 'timeFormat.ts')
          )
            continue;
          if (/'(a )?Cognito access token'/.test(text) || /function relativeTime\b/.test(text))
            offenders.push(relative);
        }
      }
    };
    walk(join(root, 'src'));
    walk(join(root, 'webview'));
    assert.deepEqual(
      offenders,
      [],
      'use kindLabel/kindInSentence (core/kindLabels.ts) and relativeTime (core/timeFormat.ts)',
    );
  });
});
