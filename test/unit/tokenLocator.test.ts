// The token locator behind the hover and "Decode Token" at a position: a security boundary on hostile files
// (minified one-line bundles, logs with megabyte lines), so it must find the right token and read only a window.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LINE_WINDOW, locateToken } from '../../src/vscode/tokenLocator.ts';
import { NOW, b64url, signRaw } from '../support/tokens.ts';

const SECRET = Buffer.from('locator-test-secret-that-is-long-enough');

function token(claims: Record<string, unknown> = {}): string {
  return signRaw(
    JSON.stringify({ alg: 'HS256', typ: 'JWT' }),
    JSON.stringify({ sub: 'alice', exp: NOW + 60, ...claims }),
    SECRET,
    'HS256',
  );
}

/** A string stand-in that records every read locateToken makes, and fails on any read not in the contract. */
function probedLine(line: string): { line: string; sliced: Array<[number, number]>; charReads: number[] } {
  const sliced: Array<[number, number]> = [];
  const charReads: number[] = [];
  const probe = new Proxy(new String(line), {
    get(_target, property) {
      if (property === 'length') return line.length;
      if (property === 'slice')
        return (start: number, end: number) => {
          sliced.push([start, end]);
          return line.slice(start, end);
        };
      if (property === 'charCodeAt')
        return (at: number) => {
          charReads.push(at);
          return line.charCodeAt(at);
        };
      throw new Error(
        `locateToken read line.${String(property)}: only length, slice and charCodeAt are allowed`,
      );
    },
  });
  return { line: probe as unknown as string, sliced, charReads };
}

void describe('locateToken', () => {
  test('finds the token under the cursor with its offsets, at its first, middle and last character', () => {
    const jwt = token();
    const line = `GET /x  Authorization: Bearer ${jwt}  # trailing`;
    const start = line.indexOf(jwt);
    for (const at of [start, start + Math.floor(jwt.length / 2), start + jwt.length]) {
      const found = locateToken(line, at);
      assert.ok(found, `cursor at ${at}`);
      assert.equal(found.token, jwt);
      assert.equal(found.start, start);
      assert.equal(found.end, start + jwt.length);
      assert.equal(found.header, 'authorization');
      assert.equal(found.scheme, 'Bearer');
    }
    assert.equal(locateToken(line, start - 2), undefined, 'on "Bearer", not on the token');
    assert.equal(locateToken(line, start + jwt.length + 2), undefined, 'after the token');
  });

  test('recognises the header forms in front of a token, and a bare token has none', () => {
    const jwt = token();
    const cases: Array<[string, string | undefined, string | undefined]> = [
      [`"Authorization": "Bearer ${jwt}"`, 'authorization', 'Bearer'],
      [`curl -H 'x-amzn-oidc-data: ${jwt}' https://x`, 'x-amzn-oidc-data', undefined],
      [`X-Amzn-Oidc-Accesstoken=${jwt}`, 'x-amzn-oidc-accesstoken', undefined],
      [`{"name":"authorization","value":"${jwt}"}`, undefined, undefined],
      [`token ${jwt}`, undefined, undefined],
    ];
    for (const [line, header, scheme] of cases) {
      const found = locateToken(line, line.indexOf(jwt) + 5);
      assert.equal(found?.token, jwt, line);
      assert.equal(found.header, header, line);
      assert.equal(found.scheme, scheme, line);
    }
  });

  test('picks the token the cursor is on when a line holds several', () => {
    const first = token({ n: 1 });
    const second = token({ n: 2 });
    const line = `a=${first} b=${second}`;
    assert.equal(locateToken(line, line.indexOf(first) + 3)?.token, first);
    assert.equal(locateToken(line, line.indexOf(second) + 3)?.token, second);
    assert.equal(locateToken(line, line.indexOf(' b=') + 1), undefined, 'between the tokens');
  });

  test('five-segment JWEs are found; two, four and six segments and look-alikes are not', () => {
    const jwe = `eyJ${b64url('"alg":"RSA-OAEP","enc":"A256GCM"}')}.key.iv.cipher.tag`;
    assert.equal(locateToken(`x ${jwe} y`, 5)?.token, jwe);
    for (const text of [
      'eyJhbGc.payload',
      'eyJa.b.c.d',
      'eyJa.b.c.d.e.f',
      'xeyJa.b.c',
      'a.eyJb.c.d',
      'eyJa.b.c.',
    ]) {
      assert.equal(locateToken(` ${text} `, 3), undefined, text);
    }
  });

  test('a token in the middle of a 20 MB line is found, reading only a window around the cursor', () => {
    const jwt = token({ pad: 'p'.repeat(2000) });
    const filler = 'x '.repeat(5 * 1024 * 1024);
    const text = `${filler}Authorization: Bearer ${jwt} ${filler}`;
    const start = text.indexOf(jwt);
    const probe = probedLine(text);
    const started = performance.now();
    const found = locateToken(probe.line, start + 10);
    const elapsed = performance.now() - started;
    assert.equal(found?.token, jwt);
    assert.equal(found.start, start);
    assert.equal(found.header, 'authorization');
    const read = probe.sliced.reduce((sum, [from, to]) => sum + (to - from), 0);
    assert.ok(read <= 2 * LINE_WINDOW + 64, `read ${read} characters of a ${text.length}-character line`);
    for (const [from, to] of probe.sliced)
      assert.ok(from >= start + 10 - LINE_WINDOW && to <= start + 10 + LINE_WINDOW);
    assert.ok(probe.charReads.length <= 2, `${probe.charReads.length} single-character reads`);
    assert.ok(elapsed < 1000, `${elapsed} ms`);
  });

  test('hostile runs near the cursor stay fast: thousands of segments, eyJ runs, = and - floods', () => {
    const runs = [
      `Authorization: Bearer eyJ${'.a'.repeat(60_000)}`,
      `${' eyJa.b'.repeat(20_000)}`,
      `eyJ${'='.repeat(100_000)}.a.b`,
      `${'-eyJ.'.repeat(30_000)}`,
      `eyJ${'a'.repeat(130_000)}`,
    ];
    for (const line of runs) {
      const started = performance.now();
      for (const at of [0, 25, Math.floor(line.length / 2), line.length - 1]) locateToken(line, at);
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 2000, `${line.slice(0, 12)}…: ${elapsed} ms for four lookups`);
    }
  });

  test('a run the window cuts through is not reported as a (partial) token', () => {
    // Longer than the window on both sides of the cursor: whatever the window shows is part of a bigger run.
    const giant = `eyJ${'A'.repeat(LINE_WINDOW + 10)}.${'B'.repeat(LINE_WINDOW)}.${'C'.repeat(LINE_WINDOW)}`;
    const line = `Authorization: Bearer ${giant}`;
    for (const at of [line.length - 5, line.indexOf('.') + 3, Math.floor(line.length / 2)]) {
      assert.equal(locateToken(line, at), undefined, `cursor at ${at}`);
    }
    // A run with an eyJ inside the window but starting before it must not be cut there either.
    const hidden = `${'Q'.repeat(LINE_WINDOW + 100)}eyJabc.def.ghi`;
    assert.equal(locateToken(hidden, hidden.length - 3), undefined);
  });

  test('cursors outside the line and empty lines find nothing', () => {
    const jwt = token();
    assert.equal(locateToken('', 0), undefined);
    assert.equal(locateToken(jwt, jwt.length + LINE_WINDOW + 10), undefined);
    assert.equal(locateToken(jwt, -5), undefined);
  });
});
