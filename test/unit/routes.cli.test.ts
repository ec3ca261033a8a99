// `authdbg routes`: the stable JSON shape the sidebar lists, and the table.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { runRoutes } from '../../src/cli/routesCommand.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';

const FIXTURE = join(__dirname, '..', 'fixtures', 'simulate', 'authdebug.yaml');
const CORPUS = join(__dirname, '..', 'fixtures', 'iac');

function io(): CliIo & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    stdout: (t) => out.push(t),
    stderr: () => undefined,
    readStdin: () => Promise.resolve(''),
    readFileBytes: (p) => readFile(p),
    nowMs: () => 0,
    keys: {} as KeyProvider,
  };
}

interface RoutesDoc {
  routes: {
    route: string;
    method: string;
    path: string;
    api: string | null;
    authorizer: string | null;
    authorizerType: string;
    scopes: string[];
    rbac: unknown;
    source: { file: string; line: number } | null;
  }[];
  authorizers: { name: string; type: string }[];
  warnings: { id: string; message: string }[];
}

void describe('authdbg routes --json', () => {
  void it('lists every route with its authorizer, requirements and source', async () => {
    const cli = io();
    assert.equal(await runRoutes(['--config', FIXTURE, '--json'], cli), 0);
    const doc = JSON.parse(cli.out.join('')) as RoutesDoc;
    assert.deepEqual(doc.routes[0], {
      route: 'GET /orders/{id}',
      method: 'GET',
      path: '/orders/{id}',
      api: null,
      authorizer: 'api',
      authorizerType: 'cognito',
      scopes: [],
      rbac: { groups: ['admin', 'support'], claims: { 'custom:tenant': 'acme' } },
      source: { file: FIXTURE, line: 31 },
    });
    assert.deepEqual(
      doc.routes.map((r) => [r.route, r.authorizer, r.authorizerType]),
      [
        ['GET /orders/{id}', 'api', 'cognito'],
        ['POST /orders', 'api', 'cognito'],
        ['ANY /files/{proxy+}', 'custom', 'lambda'],
        ['GET /health', null, 'none'],
        ['GET /admin/*', 'web', 'alb'],
      ],
    );
    assert.deepEqual(
      doc.authorizers.map((a) => [a.name, a.type]),
      [
        ['api', 'cognito'],
        ['httpJwt', 'jwt'],
        ['custom', 'lambda'],
        ['web', 'alb'],
      ],
    );
    assert.ok(doc.warnings.some((w) => w.id === 'cognito-no-scopes'));
  });
  void it('reads infrastructure code too (SAM with default scopes, NONE and [] overrides)', async () => {
    const cli = io();
    assert.equal(
      await runRoutes(['--config', join(CORPUS, '02-sam-rest-cognito-scopes.yaml'), '--json'], cli),
      0,
    );
    const doc = JSON.parse(cli.out.join('')) as RoutesDoc;
    assert.ok(doc.routes.length > 0);
    for (const r of doc.routes) {
      assert.equal(typeof r.route, 'string');
      assert.ok(['cognito', 'jwt', 'lambda', 'alb', 'iam', 'none'].includes(r.authorizerType));
      assert.ok(Array.isArray(r.scopes));
    }
  });
});

void describe('authdbg routes (table)', () => {
  void it('prints one row per route and the warnings', async () => {
    const cli = io();
    assert.equal(await runRoutes(['--config', FIXTURE], cli), 0);
    const text = cli.out.join('');
    assert.match(text, /^METHOD +PATH +AUTHORIZER +SCOPES +RBAC +SOURCE/);
    assert.match(
      text,
      /GET +\/orders\/\{id\} +api \(cognito\) +groups any of admin,support; custom:tenant=acme/,
    );
    assert.match(text, /Warnings\n {2}! /);
  });
});
