// Route matching as API Gateway (REST, HTTP API) and ALB listeners choose, with the no-match responses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RouteConfig, SimConfig } from '../../src/core/config/model.ts';
import {
  matchAlbPattern,
  matchRoute,
  matchTemplate,
  parseRequestLine,
} from '../../src/core/simulate/routeMatch.ts';

function routes(
  kind: 'rest' | 'http' | 'alb',
  list: string[],
): Pick<SimConfig, 'api' | 'authorizers' | 'routes'> {
  const out: RouteConfig[] = list.map((text) => {
    const [method = '', path = ''] = text === '$default' ? ['$default', '$default'] : text.split(' ');
    return { route: text, method, path, authorizer: null, authorizerType: 'none', scopes: [], apiKind: kind };
  });
  return {
    api: { region: 'us-east-1', accountId: '123456789012', apiId: 'a1', stage: 'prod' },
    authorizers: {},
    routes: out,
  };
}

const HTTP = [
  'GET /pets/dog/1',
  'GET /pets/dog/{id}',
  'GET /pets/{proxy+}',
  'ANY /{proxy+}',
  'ANY /pets/cat',
  'GET /pets/cat',
  '$default',
];

void describe('HTTP API route selection', () => {
  const cases: [string, string, Record<string, string>][] = [
    ['GET /pets/dog/1', 'GET /pets/dog/1', {}],
    ['GET /pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET /pets/bird/1/2', 'GET /pets/{proxy+}', { proxy: 'bird/1/2' }],
    ['POST /pets/bird/1', 'ANY /{proxy+}', { proxy: 'pets/bird/1' }],
    ['GET /pets/cat', 'GET /pets/cat', {}],
    ['DELETE /pets/cat', 'ANY /pets/cat', {}],
    ['GET /', '$default', {}],
    ['GET /pets/dog/1/', 'GET /pets/dog/1', {}],
    ['GET /pets/dog/a%20b', 'GET /pets/dog/{id}', { id: 'a b' }],
  ];
  for (const [request, expected, params] of cases) {
    void it(`${request} -> ${expected}`, () => {
      const line = parseRequestLine(request);
      assert.ok(line.ok);
      const m = matchRoute(routes('http', HTTP), line.method, line.path);
      assert.ok(m.ok, JSON.stringify(m.trace));
      assert.equal(m.route.route, expected);
      assert.deepEqual(m.params, params);
    });
  }
  void it('no match without $default: 404 {"message":"Not Found"}', () => {
    const m = matchRoute(routes('http', ['GET /a']), 'GET', '/b');
    assert.ok(!m.ok);
    assert.equal(m.reply.status, 404);
    assert.equal(m.reply.body, '{"message":"Not Found"}');
  });
  void it('{proxy+} needs at least one segment', () => {
    const m = matchRoute(routes('http', ['ANY /{proxy+}']), 'GET', '/');
    assert.ok(!m.ok);
  });
});

void describe('REST API resource and method selection', () => {
  const REST = ['GET /orders', 'GET /orders/{id}', 'ANY /orders/{id}/items', 'ANY /{proxy+}', 'GET /'];
  void it('exact resource over {param} over {proxy+}', () => {
    const a = matchRoute(routes('rest', REST), 'GET', '/orders');
    assert.ok(a.ok && a.route.route === 'GET /orders');
    const b = matchRoute(routes('rest', REST), 'GET', '/orders/7');
    assert.ok(b.ok && b.route.route === 'GET /orders/{id}' && b.params.id === '7');
    const c = matchRoute(routes('rest', REST), 'PUT', '/orders/7/items');
    assert.ok(c.ok && c.route.route === 'ANY /orders/{id}/items');
    const d = matchRoute(routes('rest', REST), 'GET', '/x/y/z');
    assert.ok(d.ok && d.route.route === 'ANY /{proxy+}' && d.params.proxy === 'x/y/z');
    const root = matchRoute(routes('rest', REST), 'GET', '/');
    assert.ok(root.ok && root.route.route === 'GET /');
  });
  void it('unknown path: 403 Missing Authentication Token with its error type', () => {
    const m = matchRoute(routes('rest', ['GET /a']), 'GET', '/b');
    assert.ok(!m.ok);
    assert.equal(m.reply.status, 403);
    assert.equal(m.reply.body, '{"message":"Missing Authentication Token"}');
    assert.equal(m.reply.headers['x-amzn-ErrorType'], 'MissingAuthenticationTokenException');
  });
  void it('resource matched but the method is not defined on it: 403 too', () => {
    const m = matchRoute(routes('rest', REST), 'POST', '/orders');
    assert.ok(!m.ok);
    assert.equal(m.reply.status, 403);
    assert.match(m.trace.map((t) => t.message).join('\n'), /has no POST or ANY method/);
  });
  void it('paths are case-sensitive', () => {
    assert.ok(!matchRoute(routes('rest', ['GET /Orders']), 'GET', '/orders').ok);
  });
});

void describe('ALB path patterns', () => {
  const cases: [string, string, boolean][] = [
    ['/static/*', '/static/a/b.css', true],
    ['/static/*', '/static/', true],
    ['/static/*', '/Static/a', false],
    ['/img/???.png', '/img/abc.png', true],
    ['/img/???.png', '/img/ab.png', false],
    ['*.php', '/index.php', true],
    ['/api', '/api/x', false],
    ['/a.b', '/aXb', false],
  ];
  for (const [pattern, path, expected] of cases) {
    void it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(matchAlbPattern(pattern, path), expected);
    });
  }
  void it('rules are taken in order; the first match wins; method conditions apply', () => {
    const cfg = routes('alb', ['GET /admin/*', 'ANY /admin/*', 'ANY /*']);
    const get = matchRoute(cfg, 'GET', '/admin/x');
    assert.ok(get.ok && get.route.route === 'GET /admin/*');
    const post = matchRoute(cfg, 'POST', '/admin/x');
    assert.ok(post.ok && post.route.route === 'ANY /admin/*');
    const other = matchRoute(cfg, 'GET', '/home');
    assert.ok(other.ok && other.route.route === 'ANY /*');
  });
  void it('no rule: 404 with a note that a listener always has a default action', () => {
    const m = matchRoute(routes('alb', ['GET /admin/*']), 'GET', '/home');
    assert.ok(!m.ok);
    assert.equal(m.reply.status, 404);
  });
});

void describe('request lines and templates', () => {
  void it('reads method and path, drops the query string', () => {
    assert.deepEqual(parseRequestLine('get /a/b?x=1#f'), { ok: true, method: 'GET', path: '/a/b' });
    assert.equal(parseRequestLine('FETCH /a').ok, false);
    assert.equal(parseRequestLine('GET a').ok, false);
    assert.equal(parseRequestLine('ANY /a').ok, false);
  });
  void it('{proxy+} must be last and {param} takes exactly one segment', () => {
    assert.equal(matchTemplate('/{proxy+}/x', '/a/x'), undefined);
    assert.equal(matchTemplate('/a/{id}', '/a/b/c'), undefined);
    assert.equal(matchTemplate('/a/{id}', '/a/'), undefined);
    assert.deepEqual(matchTemplate('/a/{id}', '/a/b')?.params, { id: 'b' });
  });
});

void describe('several front doors in one file', () => {
  void it('ALB rules and API Gateway routes are matched separately', () => {
    const cfg = routes('rest', ['GET /orders/{id}', 'ANY /files/{proxy+}']);
    cfg.routes.push({
      route: 'GET /admin/*',
      method: 'GET',
      path: '/admin/*',
      authorizer: 'web',
      authorizerType: 'alb',
      scopes: [],
    });
    const api = matchRoute(cfg, 'GET', '/files/b');
    assert.ok(api.ok && api.apiKind === 'rest' && api.route.route === 'ANY /files/{proxy+}');
    const alb = matchRoute(cfg, 'GET', '/admin/x');
    assert.ok(alb.ok && alb.apiKind === 'alb');
    assert.match(alb.trace.map((t) => t.message).join('\n'), /the request goes to the ALB listener/);
  });
});
