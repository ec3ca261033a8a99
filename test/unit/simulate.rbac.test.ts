// RBAC rules and the backend context shapes (REST claims, HTTP API jwt claims, Lambda context, ALB headers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  albHeaders,
  httpJwtClaims,
  lambdaContext,
  restClaims,
} from '../../src/core/simulate/backendContext.ts';
import type { RbacPolicy } from '../../src/core/config/model.ts';
import { evaluateRbac, groupsOf, scopesOf } from '../../src/core/simulate/rbac.ts';

const CLAIMS = {
  sub: 'u1',
  'cognito:groups': ['admin', 'support'],
  scope: 'openid orders/read',
  'custom:tenant': 'acme',
  'custom:level': 3,
  roles: ['a', 'b'],
};

void describe('RBAC', () => {
  const table: { name: string; policy: RbacPolicy; ok: boolean; missing?: RegExp }[] = [
    { name: 'no rules', policy: {}, ok: true },
    { name: 'any one group', policy: { groups: ['finance', 'support'] }, ok: true },
    {
      name: 'no group of the list',
      policy: { groups: ['finance', 'hr'] },
      ok: false,
      missing: /group finance or hr/,
    },
    { name: 'all groups present', policy: { allGroups: ['admin', 'support'] }, ok: true },
    {
      name: 'one of allGroups absent',
      policy: { allGroups: ['admin', 'finance'] },
      ok: false,
      missing: /group finance/,
    },
    { name: 'any one scope', policy: { scopes: ['orders/write', 'orders/read'] }, ok: true },
    {
      name: 'scope missing',
      policy: { scopes: ['orders/write'] },
      ok: false,
      missing: /scope orders\/write/,
    },
    { name: 'claim exact', policy: { claims: { 'custom:tenant': 'acme' } }, ok: true },
    { name: 'claim one of a list', policy: { claims: { 'custom:tenant': ['globex', 'acme'] } }, ok: true },
    { name: 'claim number compared as text', policy: { claims: { 'custom:level': '3' } }, ok: true },
    {
      name: 'claim mismatch',
      policy: { claims: { 'custom:tenant': 'globex' } },
      ok: false,
      missing: /claim custom:tenant = globex/,
    },
    {
      name: 'claim absent',
      policy: { claims: { 'custom:plan': 'gold' } },
      ok: false,
      missing: /custom:plan/,
    },
    {
      name: 'list claim is not a single value',
      policy: { claims: { roles: 'a' } },
      ok: false,
      missing: /roles/,
    },
    {
      name: 'every rule must hold',
      policy: { groups: ['admin'], claims: { 'custom:tenant': 'globex' } },
      ok: false,
      missing: /custom:tenant/,
    },
  ];
  for (const row of table) {
    void it(`${row.name}: ${row.ok ? 'pass' : 'fail'}`, () => {
      const outcome = evaluateRbac(row.policy, CLAIMS);
      assert.equal(outcome.ok, row.ok, JSON.stringify(outcome.trace));
      if (row.missing) assert.match(outcome.missing ?? '', row.missing);
    });
  }
  void it('failing trace lines name what is missing', () => {
    const outcome = evaluateRbac({ groups: ['finance'] }, CLAIMS);
    assert.match(
      outcome.trace.find((t) => t.status === 'fail')?.message ?? '',
      /missing group: needs one of "finance"/,
    );
  });
  void it('groups and scopes from every shape', () => {
    assert.deepEqual(groupsOf({ 'cognito:groups': 'a,b' }), ['a', 'b']);
    assert.deepEqual(groupsOf({}), []);
    assert.deepEqual(scopesOf({ scp: ['x', 'y'] }), ['x', 'y']);
    assert.deepEqual(scopesOf({ scp: 'x y' }), ['x', 'y']);
    assert.equal(scopesOf({}), undefined);
    assert.equal(scopesOf({ scp: ['x'] }, false), undefined);
  });
});

void describe('backend context', () => {
  void it('REST claims: strings, groups comma-joined', () => {
    const ctx = restClaims({ ...CLAIMS, email_verified: true });
    assert.deepEqual(ctx, {
      requestContext: {
        authorizer: {
          claims: {
            sub: 'u1',
            'cognito:groups': 'admin,support',
            scope: 'openid orders/read',
            'custom:tenant': 'acme',
            'custom:level': '3',
            roles: 'a,b',
            email_verified: 'true',
          },
        },
      },
    });
  });
  void it('HTTP API jwt claims: arrays as "[a b]", scopes list, or null without a scope claim', () => {
    const ctx = httpJwtClaims(CLAIMS, ['orders/read']) as {
      requestContext: { authorizer: { jwt: { claims: Record<string, string>; scopes: unknown } } };
    };
    assert.equal(ctx.requestContext.authorizer.jwt.claims['cognito:groups'], '[admin support]');
    assert.equal(ctx.requestContext.authorizer.jwt.claims['custom:level'], '3');
    assert.deepEqual(ctx.requestContext.authorizer.jwt.scopes, ['openid', 'orders/read']);
    const idCtx = httpJwtClaims({ sub: 'u1', aud: 'c' }, ['orders/read']) as typeof ctx;
    assert.equal(idCtx.requestContext.authorizer.jwt.scopes, null);
  });
  void it('Lambda context: REST beside principalId, HTTP API under lambda', () => {
    assert.deepEqual(lambdaContext('rest', 'p', { a: '1' }), {
      requestContext: { authorizer: { principalId: 'p', a: '1' } },
    });
    assert.deepEqual(lambdaContext('http', 'p', { a: '1' }), {
      requestContext: { authorizer: { lambda: { a: '1' } } },
    });
  });
  void it('hostile claim names stay plain properties', () => {
    const ctx = restClaims(JSON.parse('{"__proto__":"x","constructor":"y"}') as Record<string, unknown>);
    const claims = (ctx.requestContext as { authorizer: { claims: Record<string, unknown> } }).authorizer
      .claims;
    assert.equal(Object.getPrototypeOf(claims), Object.prototype);
    assert.deepEqual(Object.keys(claims), ['__proto__', 'constructor']);
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });
  void it('ALB headers', () => {
    assert.deepEqual(albHeaders('blob', { sub: 's' }, 'at'), {
      headers: { 'x-amzn-oidc-accesstoken': 'at', 'x-amzn-oidc-identity': 's', 'x-amzn-oidc-data': 'blob' },
    });
  });
});
