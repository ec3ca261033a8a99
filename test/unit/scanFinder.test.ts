// The scan finder: tokens in any context, base64 noise rejected, and the same answer however the bytes are cut
// into chunks or byte ranges (a token split across a boundary is still found exactly once, on its own line).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { MAX_CANDIDATE_BYTES, findCandidates, findTokensInText } from '../../src/core/scan/finder.ts';
import { RangeMerger, RangeScanner, planRanges, readFully } from '../../src/core/scan/ranges.ts';
import { HarEntryTracker } from '../../src/core/scan/har.ts';
import { FileScan, TokenTable, scanChunks } from '../../src/core/scan/scanner.ts';
import {
  accessClaims,
  albBlob,
  b64url,
  ecKey,
  idClaims,
  rsaKey,
  signRaw,
  signToken,
} from '../support/tokens.ts';

const rsa = rsaKey();
const ec = ecKey();
const TOKENS = [
  signToken({ kid: rsa.kid, alg: 'RS256' }, idClaims(), rsa.privateKey),
  signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims(), rsa.privateKey),
  signToken({ kid: rsa.kid, alg: 'RS256' }, accessClaims({ jti: 'other' }), rsa.privateKey),
  albBlob(ec),
  signRaw('{"alg":"HS256"}', '{"sub":"h"}', Buffer.from('secret-secret-secret-secret-1234'), 'HS256'),
  signRaw('{"alg":"none"}', '{"sub":"forged"}', undefined, 'none'),
  // A Cognito refresh token's shape: a 5-part JWE (RSA-OAEP, A256GCM).
  [
    b64url('{"cty":"JWT","enc":"A256GCM","alg":"RSA-OAEP"}'),
    ...[256, 12, 300, 16].map((n) => b64url(randomBytes(n))),
  ].join('.'),
];

const dir = mkdtempSync(join(tmpdir(), 'authdbg-scan-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('finder: contexts', () => {
  const token = TOKENS[0] as string;
  const contexts: [string, string][] = [
    ['a header', `Authorization: Bearer ${token}\r\n`],
    ['a JSON string', `{"id_token":"${token}","x":1}`],
    ['a URL query', `GET /cb?access_token=${token}&state=1 HTTP/1.1`],
    ['a URL fragment', `https://app.example.com/#id_token=${token}`],
    ['a URL path', `https://api.example.com/v1/${token}/details`],
    ['a cookie', `Cookie: session=${token}; theme=dark`],
    ['prose ending a sentence', `the token was ${token}.`],
    ['the whole text', token],
  ];
  for (const [name, text] of contexts) {
    test(`in ${name}`, () => {
      assert.deepEqual(
        findTokensInText(text).map((t) => t.token),
        [token],
      );
    });
  }

  test('ALB padded blobs, HS256, alg none and the JWE are found whole, with their shapes', () => {
    const found = findTokensInText(TOKENS.slice(3).join('\n'));
    assert.deepEqual(
      found.map((t) => t.token),
      TOKENS.slice(3),
    );
    assert.deepEqual(
      found.map((t) => t.shape),
      ['jws', 'jws', 'jws', 'jwe'],
    );
  });

  test('a token inside a longer run, or after a dot, is not a token of its own', () => {
    assert.deepEqual(findTokensInText(`x${token}`), []);
    assert.deepEqual(findTokensInText(`abc.${token}`), []);
    assert.deepEqual(findTokensInText(`${token}.more`), []);
  });

  test('a candidate longer than the cap is not a token', () => {
    const long = signRaw(
      '{"alg":"RS256"}',
      JSON.stringify({ pad: 'x'.repeat(MAX_CANDIDATE_BYTES) }),
      rsa.privateKey,
      'RS256',
    );
    assert.deepEqual(findTokensInText(`a ${long} b`), []);
  });
});

describe('finder: noise yields nothing', () => {
  test('random base64, "eyJ" in prose, lone headers and 2-part or bad-header shapes', () => {
    const header = b64url('{"alg":"RS256","kid":"k"}');
    const pieces = [
      'the string eyJ appears in prose: eyJ, eyJ. eyJeyJeyJ',
      `${header}`,
      `${header}.${b64url('{"sub":"x"}')}`,
      `${b64url('{"not json')}.${b64url('{}')}.sig`,
      `${b64url('{"kid":"no alg"}')}.${b64url('{}')}.sig`,
      `${b64url('["alg"]')}.${b64url('{}')}.sig`,
      `eyJ${'A'.repeat(50)}.eyJ${'B'.repeat(50)}.${'C'.repeat(40)}`,
    ];
    for (let i = 0; i < 200; i++)
      pieces.push(randomBytes(1 + (i % 97)).toString(i % 2 ? 'base64' : 'base64url'));
    for (let i = 0; i < 50; i++)
      pieces.push(
        `eyJ${randomBytes(30).toString('base64url')}.${randomBytes(30).toString('base64url')}.${randomBytes(30).toString('base64url')}`,
      );
    const text = pieces.join(' \n');
    assert.deepEqual(findTokensInText(text), []);
  });

  test('work is linear on hostile runs (a long line of eyJ- and dots)', () => {
    const hostile = `${'eyJ-'.repeat(100_000)}${'eyJa.'.repeat(50_000)} ${'.eyJ'.repeat(50_000)}`;
    const started = performance.now();
    assert.deepEqual(findTokensInText(hostile), []);
    assert.ok(performance.now() - started < 5000, 'hostile input took over 5 s');
  });

  test('work is linear on many distinct long noise headers (no hash-collision quadratic cache)', () => {
    // V8 hashes strings over 16,383 characters by length only: cached, these all collided (about 18 s).
    const pieces: string[] = [];
    for (let i = 0; i < 1500; i++) pieces.push(` eyJ${'A'.repeat(60_000)}${i.toString(36)}.x `);
    const hostile = pieces.join('');
    const started = performance.now();
    assert.deepEqual(findTokensInText(hostile), []);
    assert.ok(performance.now() - started < 5000, 'distinct long headers took over 5 s');
  });
});

/** A text of tokens and noise, with where each token is and on which line. */
function corpus(
  picks: number[],
  noise: string[],
  separators: string[],
): { text: string; expected: { token: string; line: number }[] } {
  let text = '';
  let line = 1;
  const expected: { token: string; line: number }[] = [];
  picks.forEach((pick, i) => {
    const separator = separators[i % separators.length] as string;
    if (pick < TOKENS.length) {
      const token = TOKENS[pick] as string;
      expected.push({ token, line });
      text += token;
    } else text += noise[pick % noise.length] as string;
    text += separator;
    for (const ch of separator) if (ch === '\n') line++;
  });
  return { text, expected };
}

const NOISE = [
  'eyJ',
  'eyJhbGciOi',
  `${b64url('{"alg":"RS256"}')}.${b64url('{}')}`,
  'plain words',
  'x=1&y=2',
  '{"a":"b"}',
];
const SEPARATORS = [' ', '\n', '"', '\r\n', '&', '; ', ' \n ', ','];

describe('chunk and range boundaries (property)', () => {
  test('streamed in random chunks, and as byte ranges: the same tokens, counts and lines as one pass', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: TOKENS.length + NOISE.length - 1 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 5 }),
        async (picks, cuts, rangeCount) => {
          const { text, expected } = corpus(picks, NOISE, SEPARATORS);
          const bytes = Buffer.from(text, 'latin1');
          const whole = findTokensInText(text).map((t) => t.token);
          assert.deepEqual(
            whole,
            expected.map((e) => e.token),
          );

          const table = new TokenTable();
          const scan = new FileScan(table, 'f');
          const chunks: Buffer[] = [];
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length] as number;
            chunks.push(bytes.subarray(at, at + size));
            at += size;
          }
          await scanChunks(Readable.from(chunks), scan);
          assertTable(table, expected);

          const path = join(dir, `ranges-${rangeCount}.log`);
          writeFileSync(path, bytes);
          const merged = new TokenTable();
          const fd = openSync(path, 'r');
          const merger = new RangeMerger(merged, 'f', 0, new Map(), (into, length, position) =>
            readFully(fd, into, 0, length, position),
          );
          const scanners = [new RangeScanner(64 + (cuts[0] ?? 0)), new RangeScanner(97)];
          const tasks = planRanges(
            path,
            'f',
            bytes.length,
            rangeCount,
            Math.max(1, Math.ceil(bytes.length / rangeCount)),
          );
          // Out of order on purpose: the merger must put them back in file order.
          for (const task of [...tasks].reverse()) {
            const which = task.index % 2;
            merger.add((scanners[which] as RangeScanner).scan(task), which);
          }
          for (const scanner of scanners) scanner.close();
          closeSync(fd);
          assertTable(merged, expected);
          assert.equal(merger.newlines, text.split('\n').length - 1);
        },
      ),
      { numRuns: 150 },
    );
  });
});

function assertTable(table: TokenTable, expected: { token: string; line: number }[]): void {
  const want = new Map<string, { count: number; first: number; last: number }>();
  for (const { token, line } of expected) {
    const seen = want.get(token);
    if (seen) {
      seen.count++;
      seen.last = line;
    } else want.set(token, { count: 1, first: line, last: line });
  }
  const got = new Map(
    table.entries.map((e) => [
      e.bytes.toString('latin1'),
      { count: e.count, first: e.first.line, last: e.last.line },
    ]),
  );
  assert.deepEqual(got, want);
}

test('findCandidates leaves a candidate that touches the end for the next chunk', () => {
  const token = TOKENS[0] as string;
  const bytes = Buffer.from(`x ${token.slice(0, 100)}`, 'latin1');
  const seen: number[] = [];
  const resume = findCandidates(bytes, 0, false, (c) => seen.push(c.start));
  assert.deepEqual(seen, []);
  assert.equal(resume, 2);
});

describe('HAR entry tracker on hostile nesting', () => {
  test('a file of 16 MiB of "[" keeps a counter, not an object per byte (bounded memory)', () => {
    const tracker = new HarEntryTracker();
    const before = process.memoryUsage().heapUsed;
    const chunk = Buffer.alloc(1024 * 1024, '[');
    for (let i = 0; i < 16; i++) tracker.feed(chunk);
    const grown = process.memoryUsage().heapUsed - before;
    // Before the depth cap: one stack object per byte, about 1 GB.
    assert.ok(grown < 200 * 2 ** 20, `heap grew by ${Math.round(grown / 2 ** 20)} MB`);
    assert.equal(tracker.entries.length, 0);
  });

  test('entries are still read around a value nested deeper than the tracked depth', () => {
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const har = `{"log":{"entries":[{"request":{"method":"get","url":"https://a.example/x","headers":[]},"response":{"status":401},"x":${deep}},{"request":{"method":"POST","url":"https://a.example/y","headers":[]},"response":{"status":200}}]}}`;
    const tracker = new HarEntryTracker();
    tracker.feed(Buffer.from(har));
    assert.deepEqual(
      tracker.entries.map((entry) => [entry.method, entry.url, entry.status]),
      [
        ['GET', 'https://a.example/x', 401],
        ['POST', 'https://a.example/y', 200],
      ],
    );
  });
});
