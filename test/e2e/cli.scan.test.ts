// `authdbg scan` end to end: the built CLI (dist/cli.js with its dist/scanWorker.js worker threads) over
// generated logs (one large enough to be split across threads), a .gz and a HAR, with keys from a file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { json, runCli } from '../support/cli.ts';
import { NOW, accessClaims, idClaims, rsaKey, signToken } from '../support/tokens.ts';
import type { TestKey } from '../support/tokens.ts';

type Row = {
  count: number;
  live: boolean;
  expired: boolean;
  valid: boolean;
  kind: string;
  first: { line: number };
  last: { line: number };
};

let rsa: TestKey;
let dir: string;
let jwksFile: string;
const tokens: { token: string; live: boolean; expired: boolean }[] = [];

before(() => {
  rsa = rsaKey();
  dir = mkdtempSync(join(tmpdir(), 'authdbg-e2e-scan-'));
  jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [rsa.jwk] }));
  for (let i = 0; i < 40; i++) {
    const expired = i % 4 === 0;
    const claims = (i % 2 ? idClaims : accessClaims)({
      jti: `e2e-${i}`,
      exp: expired ? NOW - 10 : NOW + 3600,
    });
    let token = signToken({ kid: rsa.kid, alg: 'RS256' }, claims, rsa.privateKey);
    const forged = i % 10 === 9;
    if (forged) token = `${token.slice(0, -8)}${token.slice(-8) === 'AAAAAAAA' ? 'BBBBBBBB' : 'AAAAAAAA'}`;
    tokens.push({ token, live: !expired && !forged, expired });
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

function keyArgs(): string[] {
  return ['--jwks-file', jwksFile, '--now', String(NOW)];
}

describe('authdbg scan (built CLI)', () => {
  test('a 40 MiB log split across worker threads: every occurrence counted, lines exact', async () => {
    const path = join(dir, 'big.log');
    const lines: string[] = [];
    const per = new Map<string, { count: number; first: number; last: number }>();
    let size = 0;
    for (let i = 0; size < 40 * 2 ** 20; i++) {
      const { token } = tokens[(i * 7) % tokens.length] as { token: string };
      const line = `2025-01-01 req=${i} ${'pad '.repeat(i % 50)}Authorization: Bearer ${token}`;
      lines.push(line);
      size += line.length + 1;
      const seen = per.get(token);
      if (seen) {
        seen.count++;
        seen.last = i + 1;
      } else per.set(token, { count: 1, first: i + 1, last: i + 1 });
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    const run = await runCli(['scan', path, ...keyArgs(), '--json'], undefined, 120_000);
    assert.equal(run.status, 0, run.stderr);
    const out = json(run) as { tokens: Row[]; files: number; bytes: number };
    assert.equal(out.bytes, size);
    assert.equal(out.tokens.length, tokens.length);
    const total = out.tokens.reduce((sum, row) => sum + row.count, 0);
    assert.equal(total, lines.length);
    const expected = [...per.values()].map((p) => [p.count, p.first, p.last]).sort();
    assert.deepEqual(out.tokens.map((row) => [row.count, row.first.line, row.last.line]).sort(), expected);
    assert.equal(out.tokens.filter((row) => row.live).length, tokens.filter((t) => t.live).length);
    assert.equal(out.tokens.filter((row) => row.expired).length, tokens.filter((t) => t.expired).length);
    for (const { token } of tokens) assert.ok(!run.stdout.includes(token.slice(token.lastIndexOf('.') + 1)));
  });

  test('a .gz through the CLI, --fail-on live exits 1, SARIF on stdout', async () => {
    const path = join(dir, 'app.log.gz');
    writeFileSync(path, gzipSync(tokens.map((t, i) => `${i} ${t.token}`).join('\n')));
    const run = await runCli(
      ['scan', path, ...keyArgs(), '--fail-on', 'live', '--format', 'sarif'],
      undefined,
      60_000,
    );
    assert.equal(run.status, 1, run.stderr);
    const sarif = json(run) as { version: string; runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0]?.results.length, tokens.length);
    assert.equal(
      sarif.runs[0]?.results.filter((r) => r.ruleId === 'authdbg/live-token').length,
      tokens.filter((t) => t.live).length,
    );
  });

  test('standard input and the help text', async () => {
    const run = await runCli(['scan', '-', ...keyArgs(), '--json'], `x ${tokens[1]?.token ?? ''} y\n`);
    assert.equal(run.status, 0, run.stderr);
    assert.equal((json(run) as { tokens: Row[] }).tokens.length, 1);
    const help = await runCli(['help', 'scan']);
    assert.match(help.stdout, /usage: authdbg scan/);
  });
});
