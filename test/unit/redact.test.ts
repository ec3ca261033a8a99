// Log redaction: the same answers as the reference regex, in linear time on hostile lines.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { redactText, redactToken } from '../../src/core/redact.ts';

/** The pattern redactText replaced: correct, but quadratic on many "eyJ-" (used here on short strings only). */
const REFERENCE = /\b(eyJ[A-Za-z0-9_-]*={0,2})\.([A-Za-z0-9_-]+={0,2})\.([A-Za-z0-9_-]+={0,2})/g;
function reference(line: string): string {
  return line.replace(REFERENCE, (_m, header: string, payload: string) => `${header}.${payload}.<redacted>`);
}

void describe('redactText', () => {
  test('redacts the signature of every token in a line', () => {
    assert.equal(
      redactText('Bearer eyJhbGc.eyJzdWIi.c2ln and eyJh==.eyJw=.sig= end'),
      'Bearer eyJhbGc.eyJzdWIi.<redacted> and eyJh==.eyJw=.<redacted> end',
    );
    assert.equal(redactText('xeyJa.b.c'), 'xeyJa.b.c', 'no word boundary, as \\b requires');
    assert.equal(redactText('no token here'), 'no token here');
  });

  test('agrees with the reference regex on random lines (property)', () => {
    const pieces = ['eyJ', 'a', 'Z', '9', '_', '-', '.', '=', ' ', ':', 'eyJa.b.c', '==', '.='];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const line = parts.join('');
        assert.equal(redactText(line), reference(line), JSON.stringify(line));
      }),
      { numRuns: 5000 },
    );
  });

  test('is linear on lines that made the regex quadratic', () => {
    const started = Date.now();
    for (const unit of ['eyJ-', 'eyJ.', 'eyJa.b', 'eyJ=', '-eyJa.a==.']) {
      const line = unit.repeat(Math.floor(1_000_000 / unit.length));
      assert.equal(typeof redactText(line), 'string');
    }
    assert.ok(Date.now() - started < 5_000, `${Date.now() - started} ms for 5 MB of hostile lines`);
  });

  test('redactToken keeps header.payload only for a compact token', () => {
    assert.equal(redactToken('a.b.c'), 'a.b.<redacted>');
    assert.match(redactToken('not a token'), /^sha256:[0-9a-f]{12}$/);
  });
});
