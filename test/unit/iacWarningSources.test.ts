// Warnings carry a structured source; the simulator attaches to a route's trace exactly those naming the route
// or its authorizer. Over the whole corpus: every route/authorizer warning reaches a simulation of its route.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { RouteConfig, SimConfig } from '../../src/core/config/model.ts';
import type { Warning } from '../../src/core/findings.ts';
import { readInfrastructureFile } from '../../src/core/iac/infrastructureReader.ts';
import type { KeyProvider } from '../../src/core/keys/types.ts';
import { parseRequestLine } from '../../src/core/simulate/routeMatch.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';

const corpusDir = path.resolve(__dirname, '..', 'fixtures', 'iac');
const templates = readdirSync(corpusDir).filter((name) => /\.(ya?ml|json)$/.test(name));

// No request here carries a token, so no key is ever asked for: asking is a bug.
const noKeys: KeyProvider = {
  jwks: () => Promise.reject(new Error('no key lookup expected')),
  albKey: () => Promise.reject(new Error('no key lookup expected')),
  peekJwks: () => undefined,
  peekAlbKey: () => undefined,
  clear: () => undefined,
};

/** A concrete request line that the route's own template matches. */
function requestFor(route: RouteConfig): string {
  if (route.method === '$default') return 'GET /';
  const method = route.method === 'ANY' ? 'GET' : route.method;
  const concrete = route.path
    .replace(/\{[^{}]+\+\}/g, 'a/b')
    .replace(/\{[^{}]+\}/g, 'v1')
    .replace(/\*/g, 'x');
  return `${method} ${concrete}`;
}

/** False for routes no request line reaches (a `DEFAULT` verb, an ALB pattern without "/"). */
function reachable(route: RouteConfig): boolean {
  return parseRequestLine(requestFor(route)).ok;
}

/** Route warnings on routes no request can reach: known, listed, so a new one fails the test. */
const UNREACHABLE = ['06-sam-httpapi-jwt-and-lambda.yaml unusual-method DEFAULT /default/post'];

/** The route (and authorizer override, if no reachable route uses it) a warning should show up on. */
function targetOf(config: SimConfig, w: Warning): { route: RouteConfig; authorizer?: string } | undefined {
  const source = w.source;
  if (source?.route !== undefined) {
    const route = config.routes.find(
      (r) => r.route === source.route && (source.api === undefined || r.api === source.api),
    );
    return route ? { route } : undefined;
  }
  if (source?.authorizer === undefined) return undefined;
  const using = config.routes.find((r) => r.authorizer === source.authorizer && reachable(r));
  if (using) return { route: using };
  const any = config.routes.find(reachable);
  return any ? { route: any, authorizer: source.authorizer } : undefined;
}

function isAboutRouteOrAuthorizer(w: Warning): boolean {
  return w.source?.route !== undefined || w.source?.authorizer !== undefined;
}

void describe('warning sources over the IaC corpus', () => {
  const perTemplate: Record<string, number> = {};
  const unreachable: string[] = [];

  for (const file of templates) {
    void it(`${file}: each route/authorizer warning reaches its route's trace`, async () => {
      const text = readFileSync(path.join(corpusDir, file), 'utf8');
      const { config } = readInfrastructureFile(file, text);
      assert.ok(config, 'a configuration is read');
      const about = config.warnings.filter(isAboutRouteOrAuthorizer);
      perTemplate[file] = about.length;
      for (const w of about) {
        assert.equal(w.source?.file, file, `${w.id} names its file`);
        const target = targetOf(config, w);
        assert.ok(target, `${w.id}: the route or authorizer it names exists (${JSON.stringify(w.source)})`);
        if (!reachable(target.route)) {
          unreachable.push(`${file} ${w.id} ${target.route.route}`);
          continue;
        }
        const request = requestFor(target.route);
        const result = await simulate(
          target.authorizer === undefined
            ? { config, route: request }
            : { config, route: request, authorizer: target.authorizer },
          { now: 1_700_000_000 },
          { keys: noKeys },
        );
        assert.equal(result.route?.route, target.route.route, `${request} matches ${target.route.route}`);
        const attached = result.trace.filter((s) => s.step === 'config').map((s) => s.message);
        assert.ok(attached.includes(w.message), `${w.id} on ${request}: ${w.message}`);
      }
    });
  }

  void it('attaches nothing by text: a route warning does not reach another route of the same key', async () => {
    const text = readFileSync(path.join(corpusDir, templates[0] ?? ''), 'utf8');
    const { config } = readInfrastructureFile('t.yaml', text);
    assert.ok(config);
    const route = config.routes.find((r) => r.authorizerType === 'cognito');
    assert.ok(route, 'the first template has a Cognito route');
    const sameKeyOtherApi: Warning = {
      id: 'cognito-no-scopes',
      message: `${route.route}: a warning about a route of another API`,
      source: { file: 't.yaml', route: route.route, api: 'SomeOtherApi' },
    };
    const textOnly: Warning = { id: 'cognito-no-scopes', message: `${route.route}: no source at all` };
    const result = await simulate(
      { config: { ...config, warnings: [sameKeyOtherApi, textOnly] }, route: requestFor(route) },
      { now: 1_700_000_000 },
      { keys: noKeys },
    );
    assert.deepEqual(
      result.trace.filter((s) => s.step === 'config'),
      [],
    );
  });

  void it('the corpus has route/authorizer warnings to check, all on reachable routes but the known ones', () => {
    const total = Object.values(perTemplate).reduce((a, b) => a + b, 0);
    // 36 today: 14 route traps in 6 templates (all dropped when traces matched message text) and 22 more.
    assert.ok(total >= 36, `only ${total} route/authorizer warnings in the corpus`);
    assert.deepEqual(unreachable, UNREACHABLE);
  });
});
