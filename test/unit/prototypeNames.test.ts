// Names from workspace files are data: an authorizer or API called `__proto__`, `constructor`, `toString` or
// `hasOwnProperty` is listed and simulated exactly like one called `Plain` (`authdbg routes` / `simulate`).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { runRoutes } from '../../src/cli/routesCommand.ts';
import { runSimulate } from '../../src/cli/simulateCommand.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { stringifyContext } from '../../src/core/simulate/iamPolicy.ts';
import { matchTemplate } from '../../src/core/simulate/routeMatch.ts';

const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const POOL_ARN = 'arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbC123xyz';
const dir = mkdtempSync(join(tmpdir(), 'authdbg-proto-'));

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: () => Promise.resolve(''),
    readFileBytes: (p) => readFile(p),
    nowMs: () => 1_700_000_000_000,
    // No test below fetches keys: every request carries no token.
    keys: {} as KeyProvider,
  };
}

// A SAM API (logical id `name`) whose default Cognito authorizer and a Lambda authorizer are both called `name`
// too, next to a second API so the config lists its APIs by name.
function samTemplate(name: string): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  "${name}":
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: "${name}"
        Authorizers:
          "${name}": { UserPoolArn: ${POOL_ARN} }
          "${name}Lambda": { FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:auth }
  Other:
    Type: AWS::Serverless::Api
    Properties: { StageName: prod }
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        A: { Type: Api, Properties: { RestApiId: !Ref "${name}", Path: /a, Method: get } }
        B:
          Type: Api
          Properties: { RestApiId: !Ref "${name}", Path: /b, Method: get, Auth: { Authorizer: "${name}Lambda" } }
        C: { Type: Api, Properties: { RestApiId: !Ref Other, Path: /c, Method: get } }
`;
}

function authdebugYaml(name: string): string {
  return `version: 1
authorizers:
  "${name}": { type: cognito, userPools: [us-east-1_AbC123xyz] }
  "${name}Lambda": { type: lambda, policy: { principalId: u } }
routes:
  - { route: GET /a, authorizer: "${name}", scopes: [read] }
  - { route: GET /b, authorizer: "${name}Lambda" }
`;
}

function write(fileName: string, text: string): string {
  const folder = mkdtempSync(join(dir, 'case-'));
  const path = join(folder, fileName);
  writeFileSync(path, text);
  return path;
}

interface RoutesDoc {
  routes: { route: string; api: string | null; authorizer: string | null; authorizerType: string }[];
  authorizers: { name: string; type: string }[];
}

async function routesOf(path: string): Promise<RoutesDoc> {
  const cli = io();
  assert.equal(await runRoutes(['--config', path, '--json'], cli), 0, cli.err.join(''));
  return JSON.parse(cli.out.join('')) as RoutesDoc;
}

// What a no-token request gets, with the authorizer's name replaced by a marker so runs compare equal.
async function simulated(path: string, route: string, name: string, extra: string[] = []): Promise<unknown> {
  const cli = io();
  const code = await runSimulate(['--config', path, '--route', route, '--json', ...extra], cli);
  const result = JSON.parse(cli.out.join('')) as {
    status: number;
    decision: string;
    decidedBy: string;
    authorizer: { name: string | null; type: string } | null;
  };
  return {
    code,
    status: result.status,
    decision: result.decision,
    decidedBy: result.decidedBy,
    authorizer: result.authorizer?.name?.replace(name, 'NAME') ?? null,
    type: result.authorizer?.type,
  };
}

void describe('names from workspace files that are also Object.prototype names', () => {
  void it('a SAM template lists and simulates them like any other name', async () => {
    const plainPath = write('template.yaml', samTemplate('Plain'));
    const plain = await routesOf(plainPath);
    const control = {
      a: await simulated(plainPath, 'GET /a', 'Plain'),
      b: await simulated(plainPath, 'GET /b', 'Plain'),
    };
    assert.equal((control.a as { status: number }).status, 401);
    for (const name of NAMES) {
      const path = write('template.yaml', samTemplate(name));
      const doc = await routesOf(path);
      const swap = (value: string | null): string | null => value?.replace('Plain', name) ?? null;
      assert.deepEqual(
        doc.routes.map((r) => [r.route, r.api, r.authorizer, r.authorizerType]),
        plain.routes.map((r) => [r.route, swap(r.api), swap(r.authorizer), r.authorizerType]),
        name,
      );
      assert.deepEqual(
        doc.authorizers.map((a) => [a.name, a.type]),
        plain.authorizers.map((a) => [swap(a.name), a.type]),
        name,
      );
      assert.deepEqual(await simulated(path, 'GET /a', name), control.a, `${name}: GET /a`);
      assert.deepEqual(await simulated(path, 'GET /b', name), control.b, `${name}: GET /b`);
    }
  });

  void it('an authdebug.yaml lists and simulates them like any other name, also via --authorizer', async () => {
    const plainPath = write('authdebug.yaml', authdebugYaml('Plain'));
    const plain = await routesOf(plainPath);
    const control = {
      a: await simulated(plainPath, 'GET /a', 'Plain'),
      b: await simulated(plainPath, 'GET /b', 'Plain'),
      override: await simulated(plainPath, 'GET /b', 'Plain', ['--authorizer', 'Plain']),
    };
    assert.equal((control.a as { status: number }).status, 401);
    for (const name of NAMES) {
      const path = write('authdebug.yaml', authdebugYaml(name));
      const doc = await routesOf(path);
      const swap = (value: string | null): string | null => value?.replace('Plain', name) ?? null;
      assert.deepEqual(
        doc.authorizers.map((a) => [a.name, a.type]),
        plain.authorizers.map((a) => [swap(a.name), a.type]),
      );
      assert.deepEqual(
        doc.routes.map((r) => [r.route, r.authorizer, r.authorizerType]),
        plain.routes.map((r) => [r.route, swap(r.authorizer), r.authorizerType]),
      );
      assert.deepEqual(
        doc.routes.map((r) => r.authorizer),
        [name, `${name}Lambda`],
      );
      assert.deepEqual(await simulated(path, 'GET /a', name), control.a, `${name}: GET /a`);
      assert.deepEqual(await simulated(path, 'GET /b', name), control.b, `${name}: GET /b`);
      assert.deepEqual(
        await simulated(path, 'GET /b', name, ['--authorizer', name]),
        control.override,
        `${name}: --authorizer`,
      );
    }
  });

  void it('an unknown --authorizer that is an Object.prototype name is reported, not found', async () => {
    const path = write('authdebug.yaml', authdebugYaml('Plain'));
    for (const name of NAMES) {
      const cli = io();
      await assert.rejects(
        runSimulate(['--config', path, '--route', 'GET /a', '--authorizer', name], cli),
        new RegExp(`--authorizer ${name.replace(/[$]/g, '\\$&')} is not in`),
      );
    }
  });
});

void describe('values keyed by Object.prototype names are kept as own entries', () => {
  void it('a path parameter called like a prototype name keeps its value', () => {
    for (const name of NAMES) {
      const match = matchTemplate(`/items/{${name}}/{rest+}`, '/items/42/a/b');
      assert.ok(match, name);
      assert.deepEqual(Object.entries(match.params), [
        [name, '42'],
        ['rest', 'a/b'],
      ]);
      assert.equal(Object.getPrototypeOf(match.params), Object.prototype, name);
    }
  });

  void it('a Lambda context with prototype-name keys reaches the backend with every key', () => {
    const context = JSON.parse(
      `{${NAMES.map((name) => `"${name}": "${name}-value"`).join(', ')}, "ok": true}`,
    ) as unknown;
    for (const rule of ['scalar', 'json'] as const) {
      const result = stringifyContext(context, rule);
      assert.ok(result.ok, rule);
      assert.deepEqual(Object.keys(result.values), [...NAMES, 'ok'], rule);
      assert.equal(result.values['__proto__'], '__proto__-value', rule);
    }
  });
});
