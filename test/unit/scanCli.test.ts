// `authdbg scan` in-process: generated logs, .gz, folders with .gitignore, stdin, HAR files whose recorded statuses
// disagree with a configuration, JSON/SARIF shapes, --fail-on, and no whole token in any output.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { runScan } from '../../src/cli/scanCommand.ts';
import { TokenTable } from '../../src/core/scan/scanner.ts';
import { listScanInputs, scanInputs } from '../../src/core/scan/sources.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';
import { capturedIo } from '../support/capturedIo.ts';
import type { CapturedIo } from '../support/capturedIo.ts';

let h: Harness;
let dir: string;
let live: string;
let expired: string;
let forged: string;
let access: string;

interface Row {
  hash: string;
  kind: string;
  iss: string | null;
  sub: string | null;
  client: string | null;
  tokenUse: string | null;
  count: number;
  first: { file: string; line: number };
  last: { file: string; line: number };
  expired: boolean;
  live: boolean;
  valid: boolean;
  requests?: {
    method: string;
    url: string;
    status: number;
    sent: boolean;
    simulatedStatus?: number;
    agrees?: boolean;
  }[];
}

function io(stdin = ''): CapturedIo {
  return capturedIo({ keys: h.keys, nowMs: NOW * 1000, stdin });
}

async function scanJson(
  args: string[],
  stdin?: string,
): Promise<{ code: number; json: { tokens: Row[]; files: number; bytes: number }; err: string }> {
  const cli = io(stdin);
  const code = await runScan([...args, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW), '--json'], cli);
  return {
    code,
    json: JSON.parse(cli.out.join('')) as { tokens: Row[]; files: number; bytes: number },
    err: cli.err.join(''),
  };
}

function byHashOf(rows: Row[], count: number): Row {
  const row = rows.find((r) => r.count === count);
  assert.ok(row, `no row with count ${count}: ${JSON.stringify(rows.map((r) => r.count))}`);
  return row;
}

/** A log: `live` x5 (lines 2..10 step 2), `expired` x3, `forged` x2, `access` x1, in assorted contexts. */
function logText(): string {
  const lines: string[] = ['start of log'];
  for (let i = 0; i < 5; i++) {
    lines.push(`2025-01-01 INFO GET /orders/${i} Authorization: Bearer ${live}`);
    lines.push(
      i < 3 ? `{"level":"info","id_token":"${expired}"}` : 'noise eyJ not a token, and eyJhbGciOi. too',
    );
  }
  lines.push(
    `cookie: session=${forged}; theme=dark`,
    `GET /cb?access_token=${forged}&x=1`,
    `access ${access}.`,
    'end',
  );
  return `${lines.join('\n')}\n`;
}

before(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'authdbg-scan-cli-'));
  live = await h.idToken({ jti: 'live' });
  expired = await h.idToken({ jti: 'old', exp: NOW - 600, iat: NOW - 4200 });
  const other = await h.idToken({ jti: 'other' });
  forged = `${live.slice(0, live.lastIndexOf('.'))}${other.slice(other.lastIndexOf('.'))}`;
  access = await h.accessToken({ jti: 'acc' });
});
after(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authdbg scan: logs', () => {
  test('counts, kinds, first/last lines, live/expired/forged, and never a whole token', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, logText());
    const cli = io();
    const code = await runScan([path, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW), '--json'], cli);
    assert.equal(code, 0);
    const text = cli.out.join('');
    const json = JSON.parse(text) as { tokens: Row[]; files: number; bytes: number };
    assert.equal(json.files, 1);
    assert.equal(json.bytes, Buffer.byteLength(logText()));
    assert.equal(json.tokens.length, 4);
    const liveRow = byHashOf(json.tokens, 5);
    assert.deepEqual(
      {
        kind: liveRow.kind,
        live: liveRow.live,
        valid: liveRow.valid,
        expired: liveRow.expired,
        first: liveRow.first.line,
        last: liveRow.last.line,
        tokenUse: liveRow.tokenUse,
      },
      { kind: 'cognito-id', live: true, valid: true, expired: false, first: 2, last: 10, tokenUse: 'id' },
    );
    assert.equal(liveRow.first.file, path);
    const expiredRow = byHashOf(json.tokens, 3);
    assert.deepEqual(
      [expiredRow.expired, expiredRow.live, expiredRow.first.line, expiredRow.last.line],
      [true, false, 3, 7],
    );
    const forgedRow = byHashOf(json.tokens, 2);
    assert.deepEqual(
      [forgedRow.live, forgedRow.valid, forgedRow.first.line, forgedRow.last.line],
      [false, false, 12, 13],
    );
    const accessRow = byHashOf(json.tokens, 1);
    assert.deepEqual([accessRow.kind, accessRow.live, accessRow.first.line], ['cognito-access', true, 14]);
    assert.match(liveRow.hash, /^sha256:[0-9a-f]{12}$/);
    assert.deepEqual(Object.keys(liveRow), [
      'hash',
      'kind',
      'iss',
      'sub',
      'client',
      'tokenUse',
      'count',
      'first',
      'last',
      'expired',
      'live',
      'valid',
    ]);
    for (const token of [live, expired, forged, access]) {
      assert.ok(!text.includes(token.slice(token.lastIndexOf('.') + 1)), 'a signature reached the output');
    }
  });

  test('--fail-on: live and invalid exit 1, and the people table names LIVE and FORGED without tokens', async () => {
    const path = join(dir, 'app.log');
    writeFileSync(path, logText());
    const base = [path, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW)];
    for (const [failOn, want] of [
      ['live', 1],
      ['invalid', 1],
      ['expired', 1],
    ] as const) {
      assert.equal(await runScan([...base, '--fail-on', failOn, '--json'], io()), want, failOn);
    }
    const onlyLive = join(dir, 'live.log');
    writeFileSync(onlyLive, `a ${live}\n`);
    assert.equal(
      await runScan(
        [onlyLive, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW), '--fail-on', 'expired,invalid'],
        io(),
      ),
      0,
    );
    const cli = io();
    assert.equal(await runScan(base, cli), 0);
    const table = cli.out.join('');
    assert.match(table, /^4 distinct tokens \(11 occurrences\) in 1 file, .*; 2 live/);
    assert.match(table, /\nLIVE {2}Cognito ID token {2}sha256:[0-9a-f]{12} {2}x5\n/);
    assert.match(table, /\nFORGED {2}Cognito ID token/);
    for (const token of [live, forged]) assert.ok(!table.includes(token.slice(token.lastIndexOf('.') + 1)));
  });

  test('a .gz log gives the same rows; bytes are the decompressed bytes', async () => {
    const plain = join(dir, 'plain.log');
    const gz = join(dir, 'rotated.log.1.gz');
    writeFileSync(plain, logText());
    writeFileSync(gz, gzipSync(logText()));
    const a = await scanJson([plain]);
    const b = await scanJson([gz]);
    const strip = (rows: Row[]): unknown =>
      rows.map((r) => ({ ...r, first: r.first.line, last: r.last.line }));
    assert.deepEqual(strip(b.json.tokens), strip(a.json.tokens));
    assert.equal(b.json.bytes, a.json.bytes);
    assert.equal(b.json.tokens[0]?.first.file, gz);
  });

  test('standard input ("-")', async () => {
    const { json } = await scanJson(['-'], logText());
    assert.equal(json.tokens.length, 4);
    assert.equal(json.tokens[0]?.first.file, '<stdin>');
  });

  test('a noise corpus yields zero tokens', async () => {
    const path = join(dir, 'noise.log');
    const lines: string[] = [];
    for (let i = 0; i < 500; i++) {
      lines.push(
        `${Buffer.from(`${i}`.repeat(40)).toString('base64')} eyJ${Buffer.from(`${i}x`).toString('base64url')}.eyJ.${i} eyJhbGciOiJSUzI1NiJ9 say eyJ.`,
      );
    }
    writeFileSync(path, lines.join('\n'));
    const { json, code } = await scanJson([path]);
    assert.equal(code, 0);
    assert.deepEqual(json.tokens, []);
  });
});

describe('authdbg scan: folders', () => {
  test('recursive, .gitignore and --exclude honoured, .git skipped, stable order', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'logs', 'old'), { recursive: true });
    mkdirSync(join(root, 'build'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, '.gitignore'), '# generated\nbuild/\n*.tmp\n');
    writeFileSync(join(root, 'logs', 'a.log'), `x ${live}\n`);
    writeFileSync(join(root, 'logs', 'old', 'b.log'), `\n\ny ${live}\n`);
    writeFileSync(join(root, 'logs', 'skip.tmp'), `z ${expired}\n`);
    writeFileSync(join(root, 'build', 'out.log'), `z ${expired}\n`);
    writeFileSync(join(root, '.git', 'HEAD'), `z ${expired}\n`);
    writeFileSync(join(root, 'secret.txt'), `z ${access}\n`);
    const { json } = await scanJson([root, '--exclude', 'secret.*']);
    assert.equal(json.files, 3, 'a.log, b.log and .gitignore');
    assert.equal(json.tokens.length, 1);
    const row = json.tokens[0] as Row;
    assert.equal(row.count, 2);
    assert.equal(row.first.file, join(root, 'logs', 'a.log'));
    assert.deepEqual([row.last.file, row.last.line], [join(root, 'logs', 'old', 'b.log'), 3]);
  });

  test('the size cap skips a file and says so on stderr', async () => {
    const root = join(dir, 'capped');
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'big.log'), `${'x'.repeat(2 * 1024 * 1024)} ${live}\n`);
    writeFileSync(join(root, 'small.log'), `${access}\n`);
    const { json, err } = await scanJson([root, '--max-file-mb', '1']);
    assert.equal(json.tokens.length, 1);
    assert.equal(json.tokens[0]?.kind, 'cognito-access');
    assert.match(err, /skipped .*big\.log: over the size cap/);
  });

  test('a missing path is a usage error', async () => {
    await assert.rejects(
      runScan([join(dir, 'nope.log')], io()),
      /cannot read .*nope\.log: no such file \(ENOENT\)/,
    );
    await assert.rejects(runScan([], io()), /scan takes PATH/);
    await assert.rejects(runScan([dir, '--fail-on', 'maybe'], io()), /--fail-on takes/);
  });
});

function har(
  entries: { method: string; url: string; status: number; token?: string; responseToken?: string }[],
): string {
  return JSON.stringify(
    {
      log: {
        version: '1.2',
        creator: { name: 'test', version: '1' },
        entries: entries.map((e) => ({
          startedDateTime: '2025-01-01T00:00:00.000Z',
          time: 10,
          request: {
            method: e.method,
            url: e.url,
            httpVersion: 'HTTP/2',
            headers: [
              { name: ':authority', value: 'api.example.com' },
              ...(e.token ? [{ name: 'authorization', value: `Bearer ${e.token}` }] : []),
              { name: 'accept', value: 'application/json' },
            ],
            queryString: [],
            cookies: [],
            headersSize: -1,
            bodySize: 0,
          },
          response: {
            status: e.status,
            statusText: '',
            httpVersion: 'HTTP/2',
            headers: [],
            cookies: [],
            content: {
              size: 0,
              mimeType: 'application/json',
              text: e.responseToken ? `{"id_token":"${e.responseToken}"}` : '{}',
            },
            redirectURL: '',
            headersSize: -1,
            bodySize: 0,
          },
          cache: {},
          timings: { send: 1, wait: 8, receive: 1 },
        })),
      },
    },
    null,
    2,
  );
}

describe('authdbg scan: HAR files', () => {
  let config: string;
  before(() => {
    config = join(dir, 'authdebug.yaml');
    writeFileSync(
      config,
      `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "${h.base}/jwks.json" }
routes:
  - { route: "GET /orders/{id}", authorizer: pool }
`,
    );
  });

  test('each occurrence carries method, URL and recorded status; response tokens are marked as not sent', async () => {
    const path = join(dir, 'session.har');
    writeFileSync(
      path,
      har([
        { method: 'POST', url: 'https://auth.example.com/oauth2/token', status: 200, responseToken: live },
        { method: 'GET', url: 'https://api.example.com/orders/1', status: 200, token: live },
        { method: 'GET', url: `https://api.example.com/orders/2?access_token=${access}`, status: 200 },
      ]),
    );
    const { json } = await scanJson([path]);
    const liveRow = json.tokens.find((r) => r.count === 2) as Row;
    assert.deepEqual(
      liveRow.requests?.map((r) => [r.method, r.url, r.status, r.sent]),
      [
        ['POST', 'https://auth.example.com/oauth2/token', 200, false],
        ['GET', 'https://api.example.com/orders/1', 200, true],
      ],
    );
    const accessRow = json.tokens.find((r) => r.kind === 'cognito-access') as Row;
    const url = accessRow.requests?.[0]?.url ?? '';
    assert.match(url, /access_token=eyJ[^&]*<redacted>&?/);
    assert.ok(
      !JSON.stringify(json).includes(access.slice(access.lastIndexOf('.') + 1)),
      'the URL leaked a token',
    );
  });

  test('with --config, recorded vs simulated statuses are compared and disagreements come first', async () => {
    const path = join(dir, 'disagree.har');
    writeFileSync(
      path,
      har([
        // Agrees: a valid ID token on a Cognito-authorized route is allowed (200).
        {
          method: 'GET',
          url: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders/1',
          status: 200,
          token: live,
        },
        // Disagrees: the HAR recorded 200 for an expired token; API Gateway answers 401.
        {
          method: 'GET',
          url: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders/2',
          status: 200,
          token: expired,
        },
        // Agrees: recorded 401 for the forged token.
        {
          method: 'GET',
          url: 'https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/orders/3',
          status: 401,
          token: forged,
        },
      ]),
    );
    const { json } = await scanJson([path, '--config', config]);
    const first = json.tokens[0] as Row;
    assert.equal(first.expired, true, 'the token with a disagreement is listed first');
    assert.deepEqual(
      first.requests?.map((r) => [r.status, r.simulatedStatus, r.agrees]),
      [[200, 401, false]],
    );
    const liveRow = json.tokens.find((r) => r.live) as Row;
    assert.deepEqual(
      liveRow.requests?.map((r) => [r.status, r.simulatedStatus, r.agrees]),
      [[200, 200, true]],
    );
    const forgedRow = json.tokens.find((r) => !r.live && !r.expired) as Row;
    assert.deepEqual(
      forgedRow.requests?.map((r) => [r.status, r.simulatedStatus, r.agrees]),
      [[401, 401, true]],
    );

    const cli = io();
    await runScan([path, '--config', config, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW)], cli);
    assert.match(
      cli.out.join(''),
      /Recorded and simulated statuses disagree \(1\):\n {2}GET https:\/\/a1b2c3d4e5[^\n]*orders\/2 {2}recorded 200, simulated 401/,
    );
  });
});

describe('authdbg scan: SARIF', () => {
  test('SARIF 2.1.0: one result per token, levels by verdict, locations with lines', async () => {
    const path = join(dir, 'sarif.log');
    writeFileSync(path, logText());
    const cli = io();
    assert.equal(
      await runScan([path, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW), '--format', 'sarif'], cli),
      0,
    );
    const text = cli.out.join('');
    const sarif = JSON.parse(text) as {
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          level: string;
          locations: { physicalLocation: { region: { startLine: number } } }[];
        }[];
      }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const results = sarif.runs[0]?.results ?? [];
    assert.equal(results.length, 4);
    assert.deepEqual(results.map((r) => r.ruleId).sort(), [
      'authdbg/expired-token',
      'authdbg/invalid-token',
      'authdbg/live-token',
      'authdbg/live-token',
    ]);
    const liveResult = results.find((r) => r.ruleId === 'authdbg/live-token' && r.locations.length === 2);
    assert.deepEqual(
      liveResult?.locations.map((l) => l.physicalLocation.region.startLine),
      [2, 10],
    );
    assert.equal(liveResult?.level, 'error');
    for (const token of [live, expired, forged])
      assert.ok(!text.includes(token.slice(token.lastIndexOf('.') + 1)));
  });
});

describe('scan sources: worker threads', () => {
  test('a file split across real worker threads gives the same table as one in-process pass', async () => {
    const path = join(dir, 'workers.log');
    const lines: string[] = [];
    const tokens = [live, expired, forged, access];
    for (let i = 0; i < 4000; i++)
      lines.push(`${i} ${'.'.repeat(i % 7)} ${tokens[i % 4] as string} "${tokens[(i * 7) % 4] as string}"`);
    writeFileSync(path, lines.join('\n'));
    const listed = await listScanInputs([path]);
    const inProcess = new TokenTable();
    await scanInputs(listed.inputs, { table: inProcess, workers: 1 });
    const threaded = new TokenTable();
    const totals = await scanInputs(listed.inputs, {
      table: threaded,
      workers: 2,
      workerScript: resolve(__dirname, '..', '..', 'src', 'core', 'scan', 'scanWorker.ts'),
      parallelThresholdBytes: 1,
    });
    assert.equal(totals.errors.length, 0, JSON.stringify(totals.errors));
    const shape = (table: TokenTable): unknown =>
      table.entries.map((e) => [e.bytes.toString('latin1'), e.count, e.first.line, e.last.line]).sort();
    assert.deepEqual(shape(threaded), shape(inProcess));
    assert.equal(
      inProcess.entries.reduce((sum, e) => sum + e.count, 0),
      8000,
    );
  });
});

describe('authdbg scan: progress on a terminal', () => {
  test('the progress line moves with real CR and erase-line; the file name in it is escaped', async () => {
    const path = join(dir, 'progress\u001b]0;owned\u0007.log');
    writeFileSync(path, logText());
    const cli = { ...io(), stderrIsTty: true };
    // Keys from the loopback harness: a derived Cognito key URL would leave the machine.
    const code = await runScan([path, '--jwks', `${h.base}/jwks.json`, '--now', String(NOW), '--json'], cli);
    assert.equal(code, 0);
    const err = cli.err.join('');
    assert.ok(err.startsWith('\r\u001b[2Kscanning'), JSON.stringify(err.slice(0, 40)));
    assert.ok(err.endsWith('\r\u001b[2K'), 'the progress line is erased at the end');
    assert.ok(!err.includes('\\u000d'), 'CR printed as visible text instead of moving the cursor');
    // The name's own ESC and BEL never reach the terminal raw.
    assert.ok(err.includes('progress\\u001b]0;owned\\u0007.log'), JSON.stringify(err));
    assert.equal(err.replaceAll('\r\u001b[2K', '').includes('\u001b'), false);
  });
});
