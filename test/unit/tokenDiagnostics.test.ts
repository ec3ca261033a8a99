// Issue 13: what the editor diagnostics say about a token (pure), the scan tree's collector and its worker's scan,
// and the verify-path caches (header decode, key selection) never carrying one token's answer to another.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeToken } from '../../src/core/decode.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { HttpGet } from '../../src/core/keys/types.ts';
import { decodeReport, inspectToken } from '../../src/core/verify/inspect.ts';
import type { VerifyOptions } from '../../src/core/types.ts';
import { MAX_LOCATIONS_PER_TOKEN, ScanCollector } from '../../src/vscode/scanResults.ts';
import { scanFiles } from '../../src/vscode/scanTreeWorker.ts';
import type { WorkerMessage } from '../../src/vscode/scanTreeWorker.ts';
import { tokenProblems } from '../../src/vscode/tokenProblems.ts';
import { CLIENT_ID, ISSUER, NOW, idClaims, rsaKey, signToken } from '../support/tokens.ts';

const rsa = rsaKey();
const other = rsaKey();
const header = { kid: rsa.kid, alg: 'RS256' };
const fresh = signToken(
  header,
  idClaims({ iat: NOW - 60, auth_time: NOW - 60, exp: NOW + 3600 }),
  rsa.privateKey,
);
const expired = signToken(
  header,
  idClaims({ iat: NOW - 10_800, auth_time: NOW - 10_800, exp: NOW - 7200 }),
  rsa.privateKey,
);
const notYet = signToken(
  header,
  idClaims({ iat: NOW - 60, auth_time: NOW - 60, exp: NOW + 3600, nbf: NOW + 600 }),
  rsa.privateKey,
);
// Same header (kid) as the good tokens, signed by another key: the signature must fail.
const forged = signToken(
  header,
  idClaims({ iat: NOW - 60, auth_time: NOW - 60, exp: NOW + 3600 }),
  other.privateKey,
);
const JWE = `${Buffer.from('{"alg":"RSA-OAEP","enc":"A256GCM"}').toString('base64url')}.${'a'.repeat(40)}.${'b'.repeat(16)}.${'c'.repeat(40)}.${'d'.repeat(22)}`;

const jwksUrl = 'https://keys.example.com/jwks.json';
function keyStore(): ReturnType<typeof createKeyStore> {
  const body = new TextEncoder().encode(JSON.stringify({ keys: [rsa.jwk] }));
  const httpGet: HttpGet = () => Promise.resolve({ status: 200, contentType: 'application/json', body });
  return createKeyStore({ httpGet, now: () => NOW * 1000 });
}
const options: VerifyOptions = {
  now: NOW,
  issuer: ISSUER,
  audience: [CLIENT_ID],
  keySource: { type: 'jwks-url', url: jwksUrl },
};

describe('tokenProblems', () => {
  test('a valid token has none', async () => {
    const report = await inspectToken(fresh, options, { keys: keyStore() });
    assert.equal(report.valid, true);
    assert.deepEqual(tokenProblems(report, NOW), []);
  });

  test('expired: a warning saying how long ago', async () => {
    const report = await inspectToken(expired, options, { keys: keyStore() });
    const problems = tokenProblems(report, NOW);
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity]),
      [['token-expired', 'warning']],
    );
    assert.match(problems[0]?.message ?? '', /^Cognito ID token expired 2 hours ago \(20\d\d-/);
  });

  test('a forged signature against the keys: an error', async () => {
    const report = await inspectToken(forged, options, { keys: keyStore() });
    const problems = tokenProblems(report, NOW);
    assert.deepEqual(
      problems.map((p) => [p.code, p.severity]),
      [['token-signature', 'error']],
    );
  });

  test('keys not cached: the signature was not checked, so no signature problem', async () => {
    const report = await inspectToken(forged, { ...options, allowNetwork: false }, { keys: keyStore() });
    assert.equal(report.checks.find((c) => c.id === 'key')?.reason, 'not-cached');
    assert.deepEqual(tokenProblems(report, NOW), []);
  });

  test('not yet valid, and encrypted', async () => {
    const report = await inspectToken(notYet, options, { keys: keyStore() });
    assert.deepEqual(
      tokenProblems(report, NOW).map((p) => p.code),
      ['token-not-yet-valid'],
    );
    const jwe = tokenProblems(decodeReport(JWE, NOW), NOW);
    assert.deepEqual(
      jwe.map((p) => [p.code, p.severity]),
      [['token-encrypted', 'information']],
    );
  });

  test('never quotes the token', async () => {
    for (const token of [expired, forged, notYet]) {
      const report = await inspectToken(token, options, { keys: keyStore() });
      for (const problem of tokenProblems(report, NOW))
        assert.ok(!problem.message.includes(token.split('.')[1] ?? ''));
    }
  });
});

describe('verify-path caches carry nothing from one token to another', () => {
  test('the same header with another signature still fails (the header decode is shared, not the verdict)', async () => {
    const keys = keyStore();
    assert.equal((await inspectToken(fresh, options, { keys })).valid, true);
    const report = await inspectToken(forged, options, { keys });
    assert.equal(report.valid, false);
    assert.equal(report.checks.find((c) => c.id === 'signature')?.status, 'fail');
    assert.equal((await inspectToken(fresh, options, { keys })).valid, true);
  });

  test('a shared header is frozen: no caller can change what the next token decodes to', () => {
    const first = decodeToken(fresh);
    const second = decodeToken(expired);
    assert.equal(first.token.header, second.token.header, 'one decode of one header text');
    assert.ok(Object.isFrozen(first.token.header));
    assert.throws(() => {
      (first.token.header as Record<string, unknown>)['kid'] = 'other';
    });
  });

  test('another kid in the same key set is selected afresh', async () => {
    const keys = keyStore();
    assert.equal((await inspectToken(fresh, options, { keys })).valid, true);
    const unknownKid = signToken(
      { kid: 'nope', alg: 'RS256' },
      idClaims({ iat: NOW, auth_time: NOW, exp: NOW + 60 }),
      rsa.privateKey,
    );
    const report = await inspectToken(unknownKid, options, { keys });
    assert.equal(report.checks.find((c) => c.id === 'kid')?.status, 'fail');
    assert.equal(report.valid, false);
  });

  test('a shared passed check is frozen: no report can change what the next one says', async () => {
    const keys = keyStore();
    const a = await inspectToken(fresh, options, { keys });
    const b = await inspectToken(fresh, options, { keys });
    for (const id of ['format', 'alg', 'key', 'signature', 'claim_types'] as const) {
      const checkA = a.checks.find((c) => c.id === id);
      assert.ok(checkA && Object.isFrozen(checkA), id);
      assert.deepEqual(
        checkA,
        b.checks.find((c) => c.id === id),
      );
      assert.throws(() => {
        (checkA as { message: string }).message = 'changed';
      });
    }
    const c = await inspectToken(fresh, options, { keys });
    assert.deepEqual(c.checks, b.checks);
    // The report's own list is its own: adding a check to one (as header blocks do) leaves the next alone.
    a.checks.push({ id: 'identity', status: 'fail', message: 'added' });
    assert.equal((await inspectToken(fresh, options, { keys })).checks.length, b.checks.length);
  });
});

describe('scan tree: the worker scan and the collector', () => {
  test('files, .gz and a size cap; one token id across files; caps on locations', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authdbg-scantree-'));
    try {
      writeFileSync(join(dir, 'a.log'), `x\nAuthorization: Bearer ${fresh}\n\n${expired}\n${fresh}\n`);
      writeFileSync(join(dir, 'b.log.gz'), gzipSync(`line\n${fresh}\n`));
      writeFileSync(join(dir, 'big.log'), `${'y'.repeat(5000)}\n${fresh}\n`);
      const messages: WorkerMessage[] = [];
      const files = [
        { index: 0, path: join(dir, 'a.log'), file: 'a.log' },
        { index: 1, path: join(dir, 'b.log.gz'), file: 'b.log.gz' },
        { index: 2, path: join(dir, 'big.log'), file: 'big.log' },
        { index: 3, path: join(dir, 'missing.log'), file: 'missing.log' },
      ];
      await scanFiles({ files, maxFileBytes: 4096 }, (m) => messages.push(m));
      const done = messages.at(-1);
      assert.equal(done?.type, 'done');
      const results = messages.flatMap((m) => (m.type === 'file' ? [m.result] : []));
      assert.equal(results[2]?.skipped, 'too-large');
      assert.equal(results[3]?.error, 'ENOENT');
      const collector = new ScanCollector();
      for (const result of results)
        if (result.skipped === undefined) collector.add(result, files[result.index]!);
      const tokens = collector.tokens();
      assert.deepEqual(
        tokens.map((t) => [t.token === fresh ? 'fresh' : t.token === expired ? 'expired' : '?', t.count]),
        [
          ['fresh', 3],
          ['expired', 1],
        ],
      );
      assert.deepEqual(
        tokens[0]?.locations.map((l) => [l.file, l.firstLine, l.lastLine, l.count]),
        [
          ['a.log', 2, 5, 2],
          ['b.log.gz', 2, 2, 1],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the size cap counts decompressed bytes of a .gz (a gzip bomb is not read to its end)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'authdbg-scantree-'));
    try {
      // 64 MiB of zeros compress to about 64 KiB: under the on-disk cap, far over it decompressed.
      writeFileSync(
        join(dir, 'bomb.log.gz'),
        gzipSync(Buffer.concat([Buffer.from(`${fresh}\n`), Buffer.alloc(64 * 2 ** 20)])),
      );
      const messages: WorkerMessage[] = [];
      const files = [{ index: 0, path: join(dir, 'bomb.log.gz'), file: 'bomb.log.gz' }];
      await scanFiles({ files, maxFileBytes: 1024 * 1024 }, (m) => messages.push(m));
      const done = messages.at(-1);
      assert.equal(done?.type, 'done');
      if (done?.type !== 'done') return;
      assert.ok(done.bytes <= 1024 * 1024, `read ${done.bytes} decompressed bytes past a 1 MiB cap`);
      const result = messages.flatMap((m) => (m.type === 'file' ? [m.result] : []))[0];
      assert.match(result?.error ?? '', /size cap after decompression/);
      // What was read before the cap still counts.
      assert.equal(result?.tokens[0]?.text, fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('locations per token are capped', () => {
    const collector = new ScanCollector();
    for (let i = 0; i < MAX_LOCATIONS_PER_TOKEN + 5; i++) {
      collector.add(
        {
          index: i,
          newlines: 1,
          occurrences: 1,
          untracked: 0,
          tokens: [
            {
              id: 0,
              ...(i === 0 ? { text: fresh } : {}),
              shape: 'jws',
              standardAlphabet: false,
              count: 1,
              firstLine: 1,
              firstOffset: 0,
              lastLine: 1,
              lastOffset: 0,
            },
          ],
        },
        { file: `f${i}`, path: `/f${i}` },
      );
    }
    const [token] = collector.tokens();
    assert.equal(token?.count, MAX_LOCATIONS_PER_TOKEN + 5);
    assert.equal(token?.locations.length, MAX_LOCATIONS_PER_TOKEN);
    assert.equal(token?.moreLocations, 5);
  });
});
