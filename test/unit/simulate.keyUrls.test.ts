// Nothing is fetched that the user did not ask for: only Cognito issuers derive a key URL in the simulator;
// any other issuer needs one the user gave (--jwks, authDebugger.jwksUrls, or jwks: in authdebug.yaml).
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CliIo } from '../../src/cli/io.ts';
import { runSimulate } from '../../src/cli/simulateCommand.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import type { HttpGet, KeyProvider } from '../../src/core/keys/types.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import type { SimulationOptions, SimulationResult } from '../../src/core/simulate/result.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { CLIENT_ID, NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

// The issuer controls the whole URL if it is turned into `{issuer}/.well-known/jwks.json`.
const STEERING_ISSUER = 'https://auth.example.com/realm?steer=#';

function samHttpApi(issuer: string): string {
  return `Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth:
        DefaultAuthorizer: Oidc
        Authorizers:
          Oidc:
            IdentitySource: "$request.header.Authorization"
            JwtConfiguration:
              issuer: "${issuer}"
              audience: [${CLIENT_ID}]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Get:
          Type: HttpApi
          Properties: { Path: /items, Method: get, ApiId: !Ref Api }
`;
}

const SAM_REST_PLACEHOLDER_POOL = `Transform: AWS::Serverless-2016-10-31
Parameters:
  PoolArn: { Type: String }
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Pool
        Authorizers:
          Pool:
            UserPoolArn: !Ref PoolArn
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Get:
          Type: Api
          Properties: { Path: /items, Method: get, RestApiId: !Ref Api }
`;

function templateConfig(text: string): SimConfig {
  const loaded = loadConfig('template.yaml', text);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.config;
}

/** Every key request the simulator makes, at both seams: the provider and the HTTP client below a real store. */
function recording(): { keys: KeyProvider; providerCalls: string[]; httpCalls: string[] } {
  const providerCalls: string[] = [];
  const httpCalls: string[] = [];
  const httpGet: HttpGet = (url) => {
    httpCalls.push(url);
    return Promise.reject(new Error('unit tests make no network requests'));
  };
  const store = createKeyStore({ httpGet, now: () => NOW * 1000 });
  const keys: KeyProvider = {
    jwks: (url, options) => {
      providerCalls.push(`jwks ${url}`);
      return store.jwks(url, options);
    },
    albKey: (baseUrl, kid, options) => {
      providerCalls.push(`alb ${baseUrl}/${kid}`);
      return store.albKey(baseUrl, kid, options);
    },
    peekJwks: (url) => {
      providerCalls.push(`peek ${url}`);
      return store.peekJwks(url);
    },
    peekAlbKey: (baseUrl, kid) => store.peekAlbKey(baseUrl, kid),
    clear: () => store.clear(),
  };
  return { keys, providerCalls, httpCalls };
}

/** The harness's real store, remembering which JWKS URLs were asked for (its cache may skip the request). */
function asking(inner: KeyProvider): KeyProvider & { asked: string[] } {
  const asked: string[] = [];
  return {
    ...inner,
    asked,
    jwks: (url, options) => {
      asked.push(url);
      return inner.jwks(url, options);
    },
  };
}

function keyStep(result: SimulationResult): string {
  return result.trace.find((t) => t.step === 'token.key')?.message ?? '(no token.key step)';
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

void describe('a template JWT authorizer with a non-Cognito issuer', () => {
  for (const issuer of [
    STEERING_ISSUER,
    'https://auth.example.com',
    'https://cognito-idp.us-east-1.amazonaws.com.evil.com/us-east-1_AbC',
    `https://cognito-idp.us-east-1.amazonaws.com/${POOL}?x=#`,
    `https://user@cognito-idp.us-east-1.amazonaws.com/${POOL}`,
    'https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPoolId}',
  ]) {
    void it(`fetches nothing and names the key URL it needs: ${issuer}`, async () => {
      const config = templateConfig(samHttpApi(issuer));
      const rec = recording();
      const token = await h.idToken({ iss: issuer });
      const result = await simulate({ config, route: 'GET /items', token }, { now: NOW }, { keys: rec.keys });
      assert.deepEqual(rec.providerCalls, []);
      assert.deepEqual(rec.httpCalls, []);
      assert.equal(result.status, 401);
      const message = keyStep(result);
      assert.match(message, /is not a Cognito user pool/);
      assert.match(message, /--jwks URL or authDebugger\.jwksUrls/);
      assert.ok(message.includes(issuer.slice(0, 30)), message);
      assert.equal(result.trace.find((t) => t.step === 'token.key')?.status, 'fail');
    });
  }

  void it('uses the key URL given with --jwks (keyUrls.all), and only that one', async () => {
    const config = templateConfig(samHttpApi(STEERING_ISSUER));
    const token = await h.idToken({ iss: STEERING_ISSUER });
    const keys = asking(h.keys);
    const result = await simulate(
      { config, route: 'GET /items', token },
      { now: NOW, keyUrls: { all: `${h.base}/jwks.json` } },
      { keys },
    );
    assert.equal(result.decision, 'allow', keyStep(result));
    assert.deepEqual(keys.asked, [`${h.base}/jwks.json`]);
  });

  void it('uses authDebugger.jwksUrls for exactly that issuer (keyUrls.byIssuer)', async () => {
    const config = templateConfig(samHttpApi(STEERING_ISSUER));
    const token = await h.idToken({ iss: STEERING_ISSUER });
    const run = (options: SimulationOptions, keys: KeyProvider): Promise<SimulationResult> =>
      simulate({ config, route: 'GET /items', token }, options, { keys });
    const allowed = await run(
      { now: NOW, keyUrls: { byIssuer: { [STEERING_ISSUER]: `${h.base}/jwks.json` } } },
      h.keys,
    );
    assert.equal(allowed.decision, 'allow', keyStep(allowed));
    const rec = recording();
    const other = await run(
      { now: NOW, keyUrls: { byIssuer: { 'https://auth.example.com': `${h.base}/jwks.json` } } },
      rec.keys,
    );
    assert.equal(other.status, 401);
    assert.deepEqual(rec.providerCalls, []);
  });

  void it('what-if edits still run on the edited claims without any key URL', async () => {
    const config = templateConfig(samHttpApi(STEERING_ISSUER));
    const rec = recording();
    const result = await simulate(
      {
        config,
        route: 'GET /items',
        token: await h.idToken({ iss: STEERING_ISSUER }),
        whatIf: { set: { email: 'x@example.com' } },
      },
      { now: NOW },
      { keys: rec.keys },
    );
    assert.equal(result.decision, 'allow', result.trace.map((t) => t.message).join('\n'));
    assert.deepEqual(rec.providerCalls, []);
    assert.deepEqual(rec.httpCalls, []);
  });

  void it('a Cognito issuer still derives its own key URL, at its exact host', async () => {
    const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`;
    const rec = recording();
    await simulate(
      { config: templateConfig(samHttpApi(issuer)), route: 'GET /items', token: await h.idToken() },
      { now: NOW },
      { keys: rec.keys },
    );
    assert.deepEqual(rec.providerCalls, [`jwks ${issuer}/.well-known/jwks.json`]);
    assert.deepEqual(rec.httpCalls, [`${issuer}/.well-known/jwks.json`]);
  });

  void it('a REST Cognito authorizer whose pool is an unresolved parameter fetches nothing', async () => {
    const rec = recording();
    const result = await simulate(
      { config: templateConfig(SAM_REST_PLACEHOLDER_POOL), route: 'GET /items', token: await h.idToken() },
      { now: NOW },
      { keys: rec.keys },
    );
    assert.deepEqual(rec.providerCalls, []);
    assert.deepEqual(rec.httpCalls, []);
    assert.equal(result.status, 401);
    assert.match(keyStep(result), /not a Cognito user pool/);
  });
});

void describe('Cognito issuer formats in the simulator', () => {
  let pools: SimConfig;
  before(() => {
    pools = h.config(`version: 1
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
  derived: { type: cognito, userPools: [${POOL}] }
routes:
  - { route: GET /a, authorizer: pool }
  - { route: GET /d, authorizer: derived }
`);
  });

  const cases: Array<{ name: string; iss: string; decision: 'allow' | 'deny'; note?: RegExp }> = [
    {
      name: 'original format',
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      decision: 'allow',
    },
    {
      name: 'updated format (IssuerConfiguration UPDATED)',
      iss: `https://issuer-cognito-idp.us-east-1.amazonaws.com/${POOL}`,
      decision: 'allow',
      note: /updated format/,
    },
    {
      name: 'original format from a replica region',
      iss: `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`,
      decision: 'allow',
      note: /replica/,
    },
    {
      name: 'updated format of another pool',
      iss: 'https://issuer-cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999',
      decision: 'deny',
    },
    {
      name: 'look-alike host',
      iss: `https://cognito-idp.us-east-1.amazonaws.com.evil.com/${POOL}`,
      decision: 'deny',
    },
  ];
  for (const c of cases) {
    void it(`${c.name}: ${c.decision}`, async () => {
      const result = await simulate(
        { config: pools, route: 'GET /a', token: await h.idToken({ iss: c.iss }) },
        { now: NOW },
        { keys: h.keys },
      );
      assert.equal(result.decision, c.decision, result.trace.map((t) => t.message).join('\n'));
      if (c.note) assert.ok(result.trace.some((t) => t.step === 'token.iss' && c.note?.test(t.message)));
    });
  }

  void it('derives the key URL from the token issuer only when it is the trusted pool', async () => {
    const replica = `https://cognito-idp.eu-west-1.amazonaws.com/${POOL}`;
    const rec = recording();
    await simulate(
      { config: pools, route: 'GET /d', token: await h.idToken({ iss: replica }) },
      { now: NOW },
      { keys: rec.keys },
    );
    assert.deepEqual(rec.httpCalls, [`${replica}/.well-known/jwks.json`]);
    const foreign = recording();
    await simulate(
      {
        config: pools,
        route: 'GET /d',
        token: await h.idToken({ iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other999' }),
      },
      { now: NOW },
      { keys: foreign.keys },
    );
    // The configured pool's own key URL, never the untrusted token's.
    assert.deepEqual(foreign.httpCalls, [
      `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/jwks.json`,
    ]);
  });
});

void describe('authdbg simulate --jwks', () => {
  async function cli(args: string[], keys: KeyProvider): Promise<{ status: number; out: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'authdbg-keyurls-'));
    const file = join(dir, 'template.yaml');
    writeFileSync(file, samHttpApi(STEERING_ISSUER));
    const out: string[] = [];
    const io: CliIo = {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      readStdin: () => Promise.resolve(''),
      readFileBytes: (p) => readFile(p),
      nowMs: () => NOW * 1000,
      keys,
    };
    const token = await h.idToken({ iss: STEERING_ISSUER });
    const status = await runSimulate(['--config', file, '--route', 'GET /items', token, ...args], io);
    return { status, out: out.join('') };
  }

  void it('without --jwks: denied, nothing fetched, and the trace says which option gives the key URL', async () => {
    const rec = recording();
    const run = await cli([], rec.keys);
    assert.equal(run.status, 1);
    assert.deepEqual(rec.providerCalls, []);
    assert.match(run.out, /is not a Cognito user pool: give its key URL with --jwks URL/);
  });

  void it('with --jwks: that URL is the only one asked for', async () => {
    const keys = asking(h.keys);
    const run = await cli(['--jwks', `${h.base}/jwks.json`], keys);
    assert.equal(run.status, 0, run.out);
    assert.deepEqual(keys.asked, [`${h.base}/jwks.json`]);
  });
});
