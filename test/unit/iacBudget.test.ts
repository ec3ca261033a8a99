// Reading hostile templates and configurations is bounded: each bomb below ran for minutes (or gigabytes) before
// the read budget; now each stops with a finding naming the file, or is read linearly. Work counters show why.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { isFileTooLarge, readFileBytes } from '../../src/cli/fileRead.ts';
import type { CliIo } from '../../src/cli/io.ts';
import { UsageError } from '../../src/cli/io.ts';
import { runRoutes } from '../../src/cli/routesCommand.ts';
import { MAX_CONFIG_FILE_BYTES, configFileTooLarge } from '../../src/core/fileLimits.ts';
import { READ_LIMITS, ReadBudget } from '../../src/core/config/budget.ts';
import { readInfrastructureFile } from '../../src/core/iac/index.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import { policyScanWork } from '../../src/core/config/traps.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';

/** Generous: every case here finishes in well under a second; before the budget each ran for minutes. */
const TIME_LIMIT_MS = 3000;

function timed<T>(run: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = run();
  return { value, ms: performance.now() - started };
}

function read(
  fileName: string,
  text: string,
): ReturnType<typeof readInfrastructureFile> & { budget: ReadBudget; ms: number } {
  const budget = new ReadBudget();
  const { value, ms } = timed(() => readInfrastructureFile(fileName, text, budget));
  return { ...value, budget, ms };
}

/** `levels` anchors, each a list of `fan` aliases to the previous one: fan^levels values from a few hundred bytes. */
function aliasBomb(levels: number, fan: number): string {
  const lines = [`a0: &a0 [${Array<string>(fan).fill('x').join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `a${i}: &a${i} [${Array<string>(fan)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}
Resources:
  Rule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Conditions: *a${levels - 1}
`;
}

/** Each condition is the And of `fan` references to the previous one: fan^levels evaluations without memoising. */
function conditionBomb(levels: number, fan: number): string {
  const lines = ['Conditions:', '  C0: !Equals [a, a]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `  C${i}: !And [${Array<string>(fan)
        .fill(`!Condition C${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: !If [C${levels - 1}, {Events: {E: {Type: Api, Properties: {Path: /a, Method: get}}}}, {}]
`;
}

/** Each Fn::Sub uses its variable three times and the variable is the next Fn::Sub: 3^levels characters. */
function subBomb(levels: number): string {
  let value = '"x"';
  for (let i = 0; i < levels; i++) value = `{"Fn::Sub":["\${V}\${V}\${V}",{"V":${value}}]}`;
  return `{"Resources":{"Fn":{"Type":"AWS::Serverless::Function","Properties":{"Events":{"E":{"Type":"Api","Properties":{"Path":${value},"Method":"get"}}}}}}}\n`;
}

function eventTemplate(path: string, preamble = ''): string {
  return `${preamble}Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        E:
          Type: Api
          Properties:
            Path: ${path}
            Method: get
`;
}

function assertStopped(result: ReturnType<typeof read>, fileName: string, reason: RegExp): void {
  assert.ok(result.ms < TIME_LIMIT_MS, `${fileName} took ${Math.round(result.ms)} ms`);
  assert.equal(result.config, undefined);
  assert.deepEqual(
    result.warnings.map((w) => w.id),
    ['iac-too-complex'],
  );
  const message = result.warnings[0]?.message ?? '';
  assert.ok(message.startsWith(`${fileName}: not read: `), message);
  assert.match(message, reason);
}

void describe('template read budget', () => {
  void it('stops a YAML alias bomb while parsing: aliases count at their expanded size', () => {
    const text = aliasBomb(9, 9); // 9^9 = 387 million values
    assert.ok(text.length < 1024, `${text.length} bytes`);
    const result = read('alias-bomb.yaml', text);
    assertStopped(result, 'alias-bomb.yaml', /expands to more than 1,000,000 nodes/);
    // Stopped by the node count, before any intrinsic resolution ran.
    assert.ok(result.budget.nodes > READ_LIMITS.maxNodes);
    assert.ok(result.budget.nodes < 2 * READ_LIMITS.maxNodes, `${result.budget.nodes} nodes counted`);
    assert.equal(result.budget.steps, 0);
  });

  void it('reads an aliased value below the cap, once per reference', () => {
    const result = read('aliases.yaml', aliasBomb(4, 8)); // 4,096 values
    assert.ok(result.config);
    assert.ok(result.budget.nodes > 8 ** 4 && result.budget.nodes < 3 * 8 ** 4, `${result.budget.nodes}`);
  });

  void it('memoises named conditions: a fanned-out Conditions tree is evaluated once per name', () => {
    const text = conditionBomb(13, 8); // 8^12 evaluations without memoising
    assert.ok(text.length < 2048, `${text.length} bytes`);
    const result = read('conditions.yaml', text);
    assert.ok(result.ms < TIME_LIMIT_MS, `${Math.round(result.ms)} ms`);
    // C12 is true, so the If takes the branch with the event.
    assert.deepEqual(
      result.config?.routes.map((r) => r.route),
      ['GET /a'],
    );
    assert.ok(result.budget.steps < 1000, `${result.budget.steps} steps`);
  });

  void it('stops a chain of conditions deeper than the depth cap', () => {
    const chain = Array.from({ length: 200 }, (_, i) => `  C${i + 1}: !Condition C${i}`).join('\n');
    const text = `Conditions:\n  C0: !Equals [a, a]\n${chain}\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties: !If [C200, {}, {}]\n`;
    const result = read('chain.yaml', text);
    assertStopped(result, 'chain.yaml', /nest deeper than 128 levels/);
    assert.equal(result.budget.deepest, READ_LIMITS.maxDepth + 1);
  });

  void it('stops nested Fn::Sub variables by the characters they build, before building them', () => {
    const text = subBomb(20); // 3^20 = 3.5 billion characters
    assert.ok(text.length < 900, `${text.length} bytes`);
    const result = read('sub-bomb.json', text);
    assertStopped(result, 'sub-bomb.json', /build more than 16,000,000 characters/);
    assert.ok(result.budget.chars > READ_LIMITS.maxChars);
    // Paid before building: the overshoot is at most one piece (3^k for the level that crossed the cap).
    assert.ok(result.budget.chars < 3 * READ_LIMITS.maxChars, `${result.budget.chars} chars`);
    assert.ok(result.budget.steps < 1000, `${result.budget.steps} steps: each Fn::Sub resolved once`);
  });

  void it('reads a shallow Fn::Sub chain and resolves each variable once', () => {
    const result = read('sub.json', subBomb(5));
    assert.deepEqual(
      result.config?.routes.map((r) => r.path),
      ['x'.repeat(3 ** 5)],
    );
    assert.ok(result.budget.steps < 100, `${result.budget.steps} steps`);
  });

  void it('stops Fn::Join over an aliased long string before joining', () => {
    const preamble = `s: &s "${'y'.repeat(100_000)}"\nl: &l [${Array<string>(10).fill('*s').join(', ')}]\nm: &m [${Array<string>(10).fill('*l').join(', ')}]\n`;
    const text = eventTemplate(`!Join ['', [!Join ['', *m], !Join ['', *m]]]`, preamble);
    const result = read('join.yaml', text);
    assertStopped(result, 'join.yaml', /build more than 16,000,000 characters/);
    assert.ok(result.budget.chars < 2 * READ_LIMITS.maxChars, `${result.budget.chars} chars`);
  });

  void it('stops a document nested deeper than the depth cap', () => {
    const result = read('deep.json', `{"Resources":${'['.repeat(500)}${']'.repeat(500)}}`);
    assertStopped(result, 'deep.json', /nests deeper than 128 levels/);
  });

  void it('looks up many aliases in linear time (yaml resolves each by walking the whole document)', () => {
    const count = 50_000;
    const text = `Parameters:\n  P: { Type: String, Default: &v x }\nResources:\n  R:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: [${Array<string>(count).fill('*v').join(', ')}]\n`;
    const result = read('many-aliases.yaml', text);
    assert.ok(result.ms < TIME_LIMIT_MS, `${Math.round(result.ms)} ms`);
    assert.ok(result.config);
    assert.ok(result.budget.nodes < 2 * count, `${result.budget.nodes} nodes`);
  });

  void it('scans `${` without a close in one pass', () => {
    const result = read('open-sub.yaml', eventTemplate(`!Sub "${'${'.repeat(200_000)}"`));
    assert.ok(result.ms < TIME_LIMIT_MS, `${Math.round(result.ms)} ms`);
    assert.equal(result.config?.routes[0]?.path, '${'.repeat(200_000));
  });

  void it('leaves the corpus far below every limit', () => {
    const corpus = join(__dirname, '..', 'fixtures', 'iac');
    for (const file of readdirSync(corpus).filter((name) => /\.(ya?ml|json)$/.test(name))) {
      const result = read(file, readFileSync(join(corpus, file), 'utf8'));
      assert.ok(result.config, file);
      assert.ok(result.budget.nodes * 100 < READ_LIMITS.maxNodes, `${file}: ${result.budget.nodes} nodes`);
      assert.ok(result.budget.steps * 100 < READ_LIMITS.maxSteps, `${file}: ${result.budget.steps} steps`);
      assert.ok(result.budget.chars * 100 < READ_LIMITS.maxChars, `${file}: ${result.budget.chars} chars`);
      assert.ok(result.budget.deepest * 4 < READ_LIMITS.maxDepth, `${file}: depth ${result.budget.deepest}`);
    }
  });
});

void describe('authdebug.yaml read budget', () => {
  const anchors = [
    'a0: &a0 [x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 8 },
      (_, i) => `a${i + 1}: &a${i + 1} [${Array<string>(9).fill(`*a${i}`).join(', ')}]`,
    ),
  ];

  void it('stops an alias bomb in a Lambda policy with an error naming the file', () => {
    const text = `version: 1\nauthorizers:\n  l:\n    type: lambda\n    context:\n${anchors.map((a) => `      ${a}`).join('\n')}\n    policy: *a8\nroutes: []\n`;
    const { value, ms } = timed(() => parseConfigFile('authdebug.yaml', text));
    assert.ok(ms < TIME_LIMIT_MS, `${Math.round(ms)} ms`);
    assert.equal(value.ok, false);
    assert.match(
      value.ok ? '' : (value.errors[0] ?? ''),
      /^authdebug\.yaml(:\d+)?: .*expands to more than 1,000,000/,
    );
  });

  void it('resolves aliases in policy and context (they used to come out as {source: name})', () => {
    const text = `version: 1\nauthorizers:\n  l:\n    type: lambda\n    context: { tenant: &t acme, again: *t }\n    policy: { principalId: *t, list: &l [a, b], copy: *l }\nroutes: []\n`;
    const result = parseConfigFile('authdebug.yaml', text);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.deepEqual(result.config.authorizers['l']?.context, { tenant: 'acme', again: 'acme' });
    assert.deepEqual(result.config.authorizers['l']?.policy, {
      principalId: 'acme',
      list: ['a', 'b'],
      copy: ['a', 'b'],
    });
  });

  void it('stops routes repeated through aliases by their expanded size', () => {
    const claims = Array.from({ length: 5000 }, (_, i) => `c${i}: v`).join(', ');
    const text = `version: 1\nroutes:\n  - &r { route: GET /a, authorizer: none, rbac: { claims: { ${claims} } } }\n${'  - *r\n'.repeat(5000)}`;
    const { value, ms } = timed(() => parseConfigFile('authdebug.yaml', text));
    assert.ok(ms < TIME_LIMIT_MS, `${Math.round(ms)} ms`);
    assert.deepEqual(value.ok ? [] : value.errors, [
      'authdebug.yaml: not read: the document expands to more than 1,000,000 nodes (YAML aliases count at their expanded size)',
    ]);
  });

  void it('scans a Lambda policy for ${methodArn} once, not once per proxy route', () => {
    // 5^6 aliased strings in the policy and 3000 proxy routes: the scan used to stringify the policy per route.
    const fan = (i: number): string => Array<string>(5).fill(`*a${i}`).join(', ');
    const junk = [
      '&a0 [lolololololololololo, lolololololololololo, lolololololololololo, lolololololololololo, lolololololololololo]',
      ...Array.from({ length: 5 }, (_, i) => `&a${i + 1} [${fan(i)}]`),
    ];
    const routes = Array.from(
      { length: 3000 },
      (_, i) => `  - {route: 'ANY /p${i}/{proxy+}', authorizer: c}`,
    );
    const text = `version: 1\nauthorizers:\n  c:\n    type: lambda\n    policy:\n      Junk: [${junk.join(', ')}]\n      policyDocument: {Statement: [{Effect: Allow, Action: 'execute-api:Invoke', Resource: '\${methodArn}'}]}\nroutes:\n${routes.join('\n')}\n`;
    const before = policyScanWork.values;
    const { value, ms } = timed(() => parseConfigFile('authdebug.yaml', text));
    const visited = policyScanWork.values - before;
    assert.ok(value.ok, value.ok ? '' : value.errors.join('\n'));
    assert.equal(
      value.ok ? value.config.warnings.filter((w) => w.id === 'lambda-cache-proxy').length : 0,
      3000,
    );
    assert.ok(visited < 200, `${visited} policy values visited for 3000 routes`);
    assert.ok(ms < TIME_LIMIT_MS, `${Math.round(ms)} ms`);
  });

  void it('checks duplicate keys in linear time (yaml compares every pair of keys)', () => {
    const keys = Array.from({ length: 30_000 }, (_, i) => `        c${i}: v`).join('\n');
    const text = `version: 1\nroutes:\n  - route: GET /a\n    authorizer: none\n    rbac:\n      claims:\n${keys}\n        c7: again\n`;
    const { value, ms } = timed(() => parseConfigFile('authdebug.yaml', text));
    assert.ok(ms < TIME_LIMIT_MS, `${Math.round(ms)} ms`);
    assert.deepEqual(value.ok ? [] : value.errors, ['authdebug.yaml:30007: Map keys must be unique']);
  });
});

void describe('configuration file size cap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'authdbg-size-'));
  const big = join(dir, 'config.yaml');
  writeFileSync(big, `# ${'x'.repeat(Math.round(3.2 * 1024 * 1024))}\nResources: {}\n`);

  void it('names the file, its size and the limit', () => {
    assert.equal(
      configFileTooLarge('config.yaml', Math.round(3.2 * 1024 * 1024) + 20),
      'config.yaml is 3.3 MB; the limit is 1 MB',
    );
    assert.equal(configFileTooLarge('config.yaml', MAX_CONFIG_FILE_BYTES), undefined);
    assert.equal(
      configFileTooLarge('config.yaml', MAX_CONFIG_FILE_BYTES + 1),
      'config.yaml is 1.1 MB; the limit is 1 MB',
    );
    const loaded = loadConfig('template.yaml', 'x'.repeat(MAX_CONFIG_FILE_BYTES + 1));
    assert.deepEqual(loaded.ok ? [] : loaded.errors, ['template.yaml is 1.1 MB; the limit is 1 MB']);
  });

  void it('the CLI reads no more than the cap and says so in one line', async () => {
    await assert.rejects(readFileBytes(big, MAX_CONFIG_FILE_BYTES), (error: unknown) => {
      assert.ok(isFileTooLarge(error));
      assert.ok((error.size ?? 0) > MAX_CONFIG_FILE_BYTES);
      return true;
    });
    const out: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: () => Promise.resolve(''),
      readFileBytes,
      nowMs: () => 0,
      keys: {} as KeyProvider,
    };
    await assert.rejects(
      runRoutes(['--config', big], io),
      (error: unknown) =>
        error instanceof UsageError && error.message === `${big} is 3.3 MB; the limit is 1 MB`,
    );
    // An io that ignores the cap (tests read whole files) still gets the same message from the core.
    await assert.rejects(
      runRoutes(['--config', big], { ...io, readFileBytes: (p) => readFile(p) }),
      (error: unknown) =>
        error instanceof UsageError && error.message === `${big} is 3.3 MB; the limit is 1 MB`,
    );
    assert.deepEqual(out, []);
  });
});
