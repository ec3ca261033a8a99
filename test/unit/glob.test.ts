// The wildcard matcher agrees with a plain dynamic-programming reference and stays linear on hostile patterns.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { GLOB_PATTERN_LIMIT, globMatch, matchesGlob } from '../../src/core/glob.ts';

/** Reference: memoised DP over (pattern index, text index), O(m x n), obviously correct. */
function reference(pattern: string, text: string, caseInsensitive = false): boolean {
  const fold = (s: string): string[] =>
    Array.from(s, (ch) => {
      if (!caseInsensitive) return ch;
      const lower = ch.toLowerCase();
      return Array.from(lower).length === 1 ? lower : ch;
    });
  const p = fold(pattern);
  const t = fold(text);
  const memo = new Map<number, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = i * (t.length + 1) + j;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === p.length) result = j === t.length;
    else if (p[i] === '*') result = at(i + 1, j) || (j < t.length && at(i, j + 1));
    else result = j < t.length && (p[i] === '?' || p[i] === t[j]) && at(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

const alphabet = fc.constantFrom('a', 'b', 'A', '/', ':', 'é', '😀');
const patternChar = fc.oneof(alphabet, fc.constant('*'), fc.constant('?'));
const textOf = (chars: fc.Arbitrary<string>, max: number) =>
  fc.array(chars, { maxLength: max }).map((a) => a.join(''));

void describe('globMatch', () => {
  void it('agrees with the reference on random patterns and texts', () => {
    fc.assert(
      fc.property(textOf(patternChar, 12), textOf(alphabet, 16), fc.boolean(), (pattern, text, ci) => {
        assert.equal(matchesGlob(pattern, text, { caseInsensitive: ci }), reference(pattern, text, ci));
      }),
      { numRuns: 5000 },
    );
  });

  void it('agrees with the reference on long `?` pieces (several 32-bit words)', () => {
    const ab = fc.constantFrom('a', 'b');
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', '?'), { minLength: 1, maxLength: 100, size: 'max' }),
        fc.array(ab, { maxLength: 100, size: 'max' }),
        textOf(ab, 40),
        textOf(ab, 40),
        fc.boolean(),
        (piece, fill, before, after, plant) => {
          // Half the texts contain an instance of the piece, so matches across word boundaries are exercised.
          const instance = piece.map((c, i) => (c === '?' ? (fill[i] ?? 'a') : c)).join('');
          const text = plant ? `${before}${instance}${after}` : `${before}${after}${fill.join('')}`;
          for (const pattern of [`*${piece.join('')}*`, `a*${piece.join('')}*b`, `*${piece.join('')}`]) {
            assert.equal(matchesGlob(pattern, text), reference(pattern, text), pattern);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  void it('handles the edge cases', () => {
    assert.equal(matchesGlob('', ''), true);
    assert.equal(matchesGlob('', 'a'), false);
    assert.equal(matchesGlob('*', ''), true);
    assert.equal(matchesGlob('**', 'abc'), true);
    assert.equal(matchesGlob('?', ''), false);
    assert.equal(matchesGlob('?', '😀'), true, '`?` is one character, not one UTF-16 unit');
    assert.equal(matchesGlob('a*a', 'a'), false, 'prefix and suffix may not overlap');
    assert.equal(matchesGlob('execute-api:*', 'EXECUTE-API:Invoke', { caseInsensitive: true }), true);
    assert.equal(matchesGlob('execute-api:*', 'EXECUTE-API:Invoke'), false);
    assert.equal(matchesGlob('.*', 'abc'), false, 'regex syntax is literal');
    assert.equal(matchesGlob('[a]', 'a'), false);
  });

  void it('30+ stars against a 10 KB path: linear work, well under a second', () => {
    const path = `/${'a'.repeat(10_000)}`;
    const hostile: [string, boolean][] = [
      [`${'*a'.repeat(40)}*b`, false],
      [`${'*a'.repeat(40)}*`, true],
      [`/${'*'.repeat(40)}b`, false],
      [`${'*a?'.repeat(35)}*!`, false],
      [`${'*a?'.repeat(35)}*a`, true],
      [`*${'a'.repeat(40)}?${'a'.repeat(40)}!*`, false],
      [`${'*?'.repeat(200)}*b`, false],
    ];
    for (const [pattern, expected] of hostile) {
      const started = performance.now();
      const result = globMatch(pattern, path);
      const elapsed = performance.now() - started;
      assert.equal(result.matched, expected, pattern);
      // Linear: a small multiple of pattern + text (a backtracking regex does ~n^stars steps).
      const bound = 8 * (pattern.length + path.length) * Math.ceil(pattern.length / 32);
      assert.ok(result.work <= bound, `${pattern.slice(0, 20)}: work ${result.work} > ${bound}`);
      assert.ok(elapsed < 1000, `${pattern.slice(0, 20)}: ${elapsed} ms`);
    }
  });

  void it('star-separated literal pieces cost O(pattern + text), independent of the number of stars', () => {
    const text = 'ab'.repeat(50_000);
    const pattern = `${'*ab'.repeat(1000)}*c`;
    const result = globMatch(pattern, text);
    assert.equal(result.matched, false);
    assert.ok(result.work <= 4 * (pattern.length + text.length), `work ${result.work}`);
  });

  void it('refuses patterns over the limit with a message instead of working on them', () => {
    const result = globMatch('*'.repeat(GLOB_PATTERN_LIMIT + 1), 'a');
    assert.equal(result.ok, false);
    assert.equal(result.matched, false);
    assert.match(result.ok ? '' : result.message, /longer than the 4096/);
  });
});
