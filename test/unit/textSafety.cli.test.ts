// Every byte the CLI writes, on stdout and stderr, is free of terminal controls and hidden characters: hostile
// text in a token claim, an authdebug.yaml name, an unknown option or a configuration error arrives escaped.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { HIDDEN_CLASSES, HOSTILE_SEQUENCES, hiddenIn } from '../support/hiddenText.ts';
import { b64url } from '../support/tokens.ts';

const NOW = 1_700_000_000;
const ALL_HIDDEN = HIDDEN_CLASSES.flatMap(({ from, to }) => [from, to])
  .filter((codePoint) => codePoint !== 0x0a)
  .map((codePoint) => String.fromCodePoint(codePoint))
  .join('');
const HOSTILE = `${Object.values(HOSTILE_SEQUENCES).join(' ')} ${ALL_HIDDEN}`;

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process; the captured text is checked as the bytes a terminal would receive. */
async function run(argv: string[]): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const noNetwork = (): never => {
    throw new Error('no network in this test');
  };
  const io: CliIo = {
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    readStdin: () => Promise.resolve(''),
    readFileBytes: (path) => readFile(path),
    nowMs: () => NOW * 1000,
    keys: {
      jwks: noNetwork,
      albKey: noNetwork,
      peekJwks: () => undefined,
      peekAlbKey: () => undefined,
      clear: () => undefined,
    } satisfies KeyProvider,
  };
  const code = await main(argv, io);
  return { code, stdout: stdout.join(''), stderr: stderr.join('') };
}

/** No raw hidden character in either stream (line feeds are layout); decoded bytes are checked too. */
function assertInert(out: Captured, label: string): void {
  for (const [stream, text] of [
    ['stdout', out.stdout],
    ['stderr', out.stderr],
  ] as const) {
    assert.deepEqual(hiddenIn(text, '\n'), [], `${label}: ${stream}`);
    const bytes = Buffer.from(text, 'utf8');
    assert.ok(
      !bytes.includes(0x1b) && !bytes.includes(0x07) && !bytes.includes(0x0d),
      `${label}: ${stream} bytes`,
    );
    assert.deepEqual(hiddenIn(bytes.toString('utf8'), '\n'), [], `${label}: ${stream} round trip`);
  }
}

function tempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-text-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function unsignedToken(payload: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}.c2lnbmF0dXJl`;
}

/** YAML double-quoted escapes for every hostile character, so the file itself is plain ASCII. */
function yamlQuoted(text: string): string {
  let out = '"';
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 0;
    if (codePoint < 0x20 || codePoint > 0x7e || ch === '"' || ch === '\\')
      out +=
        codePoint > 0xffff
          ? `\\U${codePoint.toString(16).padStart(8, '0')}`
          : `\\u${codePoint.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

void describe('authdbg output cannot be turned against the terminal', () => {
  test('a token claim: table and --json', async () => {
    const token = unsignedToken({
      exp: NOW + 60,
      ...HOSTILE_SEQUENCES,
      all: ALL_HIDDEN,
      role: HOSTILE,
      [`k${HOSTILE_SEQUENCES.osc52}`]: 1,
    });
    const table = await run(['inspect', token]);
    assert.equal(table.code, 1);
    assertInert(table, 'inspect');
    assert.ok(table.stdout.includes('\\u001b]52;c;aGFja2Vk\\u0007'), 'readable OSC 52');
    assert.ok(table.stdout.includes('admin\\u000dguest'), 'readable CR');
    assert.ok(table.stdout.includes('user\\u202enimda'), 'readable bidi');
    assert.match(table.stdout, /invisible-characters/);

    const json = await run(['inspect', token, '--json']);
    assertInert(json, 'inspect --json');
    const doc = JSON.parse(json.stdout) as { payload: Record<string, unknown> };
    assert.equal(doc.payload['role'], HOSTILE, 'the JSON still carries the exact value');
  });

  const hostileName = `api${HOSTILE_SEQUENCES.osc8}${HOSTILE_SEQUENCES.carriageReturn}\u202e\u2060\u{e0041}`;
  const config = (name: string): string =>
    [
      'version: 1',
      'authorizers:',
      `  ${yamlQuoted(name)}:`,
      '    type: cognito',
      '    userPools: [us-east-1_AbC123xyz]',
      'routes:',
      `  - route: ${yamlQuoted(`GET /orders/${HOSTILE_SEQUENCES.csi}`)}`,
      `    authorizer: ${yamlQuoted(name)}`,
      `    rbac: { groups: [${yamlQuoted(HOSTILE_SEQUENCES.osc52)}] }`,
      '',
    ].join('\n');

  test('an authorizer name from authdebug.yaml: routes, routes --json, and the list of known names', async () => {
    const file = tempFile('authdebug.yaml', config(hostileName));
    const routes = await run(['routes', '--config', file]);
    assert.equal(routes.code, 0, routes.stderr);
    assertInert(routes, 'routes');
    assert.ok(routes.stdout.includes('api\\u001b]8;;https://evil.example/'), routes.stdout);

    const json = await run(['routes', '--config', file, '--json']);
    assertInert(json, 'routes --json');
    const doc = JSON.parse(json.stdout) as { routes: { authorizer: string }[] };
    assert.equal(doc.routes[0]?.authorizer, hostileName);

    const unknown = await run(['simulate', '--config', file, '--route', 'GET /x', '--authorizer', 'ghost']);
    assert.equal(unknown.code, 2);
    assertInert(unknown, 'simulate --authorizer ghost');
    assert.match(unknown.stderr, /known: api\\u001b\]8;;/);
    assert.equal(unknown.stderr.split('\n').length, 2, 'one line');
  });

  test('a simulate trace naming the hostile authorizer and route', async () => {
    const file = tempFile('authdebug.yaml', config(hostileName));
    const token = unsignedToken({ exp: NOW + 60, 'cognito:groups': [HOSTILE] });
    const out = await run([
      'simulate',
      '--config',
      file,
      '--route',
      `GET /orders/${HOSTILE_SEQUENCES.csi}`,
      token,
    ]);
    assertInert(out, 'simulate');
    assert.match(out.stdout, /Authorizer: api\\u001b/);
  });

  test('a usage error echoing an unknown option or command stays one inert line', async () => {
    for (const argv of [
      ['inspect', `--x${HOSTILE_SEQUENCES.osc52}\nauthdbg: fake second line`],
      ['routes', `--${HOSTILE}`],
      [`${HOSTILE_SEQUENCES.carriageReturn}\u202e`],
      ['inspect', '--now', HOSTILE_SEQUENCES.csi],
    ]) {
      const out = await run(argv);
      assert.equal(out.code, 2);
      assertInert(out, argv.join(' '));
      assert.equal(out.stderr.split('\n').length, 2, `one line: ${JSON.stringify(out.stderr)}`);
      assert.match(out.stderr, /^authdbg: .*\\u00(1b|0d)/);
    }
  });

  test('configuration errors: one, and several printed line by line', async () => {
    const one = tempFile('authdebug.yaml', `version: 1\n${yamlQuoted(`bad${HOSTILE_SEQUENCES.osc52}`)}: 1\n`);
    const single = await run(['routes', '--config', one]);
    assert.equal(single.code, 2);
    assertInert(single, 'one config error');
    assert.match(single.stderr, /bad\\u001b\]52;c;/);

    const several = tempFile(
      'authdebug.yaml',
      `version: 1\n${yamlQuoted(`a${HOSTILE_SEQUENCES.csi}\nfake: line`)}: 1\n${yamlQuoted(`b${HOSTILE}`)}: 2\n`,
    );
    const many = await run(['routes', '--config', several]);
    assert.equal(many.code, 2);
    assertInert(many, 'several config errors');
    assert.ok(!/^fake: line/m.test(many.stderr), 'a newline in a name does not start a line of its own');
    assert.match(many.stderr, /configuration errors/);
  });

  test('a file name with control characters in an error', async () => {
    const out = await run(['routes', '--config', `/nonexistent/${HOSTILE_SEQUENCES.osc52}.yaml`]);
    assert.equal(out.code, 2);
    assertInert(out, 'missing file');
    assert.match(out.stderr, /ENOENT/);
  });
});
