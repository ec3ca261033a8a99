// A selected request block (a .http request or a raw HTTP request) is read as a request, not a malformed header.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_INPUT_BYTES, parseInput, targetPath } from '../../src/core/inputParse.ts';
import { decodeInput } from '../../src/core/verify/inspect.ts';

const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

describe('request blocks', () => {
  test('a .http request with separator, comments, headers and a JSON body', () => {
    const text = [
      '### Create an order',
      '# @name create',
      'POST https://api.example.com/prod/orders?dry=1 HTTP/1.1',
      'Content-Type: application/json',
      `Authorization: Bearer ${jwt}`,
      '// a comment between headers',
      '',
      '{',
      '  "item": "book",',
      '  "note": "not a header line"',
      '}',
    ].join('\n');
    const parsed = parseInput(text);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.deepEqual(
      parsed.tokens.map((t) => [t.header, t.token, t.scheme]),
      [['authorization', jwt, 'Bearer']],
    );
    assert.deepEqual(parsed.request, {
      method: 'POST',
      target: 'https://api.example.com/prod/orders?dry=1',
      path: '/prod/orders?dry=1',
    });
  });

  test('request line without a version, with a path only, and the URL-only short form', () => {
    const cases: [string, string, string | undefined][] = [
      [`GET https://api.example.com/orders/1\nAuthorization: ${jwt}`, 'GET', '/orders/1'],
      [`delete /orders/1 HTTP/2\nAuthorization: Bearer ${jwt}\n\nbody`, 'DELETE', '/orders/1'],
      [`https://api.example.com/reports\nAuthorization: Bearer ${jwt}`, 'GET', '/reports'],
      [`GET {{baseUrl}}/orders/{{id}}\nAuthorization: Bearer ${jwt}`, 'GET', '/orders/{{id}}'],
      [`GET {{baseUrl}}\nAuthorization: Bearer ${jwt}`, 'GET', undefined],
    ];
    for (const [text, method, path] of cases) {
      const parsed = parseInput(text);
      assert.ok(parsed.ok, `${text}: ${parsed.ok ? '' : parsed.message}`);
      assert.equal(parsed.tokens[0]?.token, jwt, text);
      assert.equal(parsed.request?.method, method, text);
      assert.equal(parsed.request?.path, path, text);
    }
  });

  test('the body is never read for tokens, and the next request ends the block', () => {
    const parsed = parseInput(
      [
        'POST /orders',
        `Authorization: Bearer ${jwt}`,
        '',
        `Authorization: Bearer ${jwt}`,
        '###',
        'GET /other',
        `Authorization: Bearer ${jwt}`,
      ].join('\n'),
    );
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.equal(
      parsed.tokens.length,
      1,
      'a second Authorization in the body or the next request is not read',
    );
    const stopped = parseInput(`GET /a\nAccept: x\n###\nGET /b\nAuthorization: Bearer ${jwt}`);
    assert.equal(stopped.ok, false);
  });

  test('errors keep naming the line of the selection', () => {
    const parsed = parseInput(`GET /orders\nAccept: x\nnot a header\n\nbody`);
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.message, /line 3 is not an HTTP header/);
    const bare = parseInput('GET /orders\n\n{"a": 1}');
    assert.equal(bare.ok, false);
    assert.match(bare.ok ? '' : bare.message, /no headers/);
  });

  test('a header block without a request line reads as before (no request)', () => {
    const parsed = parseInput(`Host: x\nAuthorization: Bearer ${jwt}`);
    assert.ok(parsed.ok);
    assert.equal(parsed.request, undefined);
    assert.equal(parsed.headerBlock, true);
  });

  test('decodeInput carries the request line for "Simulate"', () => {
    const decoded = decodeInput(`PUT https://h/orders/7\nAuthorization: Bearer ${jwt}`);
    assert.ok(decoded.ok);
    assert.deepEqual(decoded.request, { method: 'PUT', target: 'https://h/orders/7', path: '/orders/7' });
    assert.equal(decoded.items[0]?.found.token, jwt);
    const plain = decodeInput(jwt);
    assert.ok(plain.ok);
    assert.equal(plain.request, undefined);
  });

  test('targetPath', () => {
    assert.equal(targetPath('https://h'), '/');
    assert.equal(targetPath('https://h?x=1'), '/?x=1');
    assert.equal(targetPath('http://h:8080/a/b#frag'), '/a/b');
    assert.equal(targetPath('/a'), '/a');
    assert.equal(targetPath('*'), undefined);
    assert.equal(targetPath('example.com/a'), undefined);
  });

  test('hostile sizes: a request block of the largest input is read in linear time', () => {
    const header = 'X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n';
    const count = Math.floor((MAX_INPUT_BYTES - 200) / header.length);
    const text = `POST /orders\n${header.repeat(count)}Authorization: Bearer ${jwt}\n\n${'#'.repeat(100)}`;
    assert.ok(text.length <= MAX_INPUT_BYTES);
    const started = performance.now();
    const parsed = parseInput(text);
    const elapsed = performance.now() - started;
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.message);
    assert.equal(parsed.tokens[0]?.token, jwt);
    assert.ok(elapsed < 2000, `${count} header lines took ${elapsed} ms`);
    // A body of the largest size with one long line is not read at all.
    const body = `POST /orders\nAuthorization: Bearer ${jwt}\n\n${'{'.repeat(MAX_INPUT_BYTES - 200)}`;
    const bodyStarted = performance.now();
    assert.ok(parseInput(body).ok);
    assert.ok(performance.now() - bodyStarted < 2000);
  });
});
