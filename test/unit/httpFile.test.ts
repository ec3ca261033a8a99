// Issue 15: `.http` files. The parser on REST Client and JetBrains examples, variables with their origins (file,
// environments, .env, process env only when given, request variables), cycles and hostile sizes with work
// counters, and the predicted outcome of each request through the real simulator (signed tokens, loopback keys).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  jetBrainsEnvironments,
  parseDotenv,
  restClientEnvironments,
} from '../../src/core/httpFile/environments.ts';
import {
  MAX_HTTP_REQUESTS,
  parseHttpFile,
  requestAtLine,
  variableAtLine,
} from '../../src/core/httpFile/parse.ts';
import type { HttpTargetConfig } from '../../src/core/httpFile/predict.ts';
import {
  MAX_PREDICTED_REQUESTS,
  outcomeRow,
  planFile,
  planRequest,
  predict,
  predictFile,
} from '../../src/core/httpFile/predict.ts';
import {
  HttpVariableResolver,
  MAX_EXPANDED_CHARS,
  MAX_REFERENCE_DEPTH,
  describeResolution,
} from '../../src/core/httpFile/variables.ts';
import { parseExecuteApiHost } from '../../src/core/awsIdentifiers.ts';
import { cacheOnlyKeys } from '../../src/core/keys/cacheOnly.ts';
import { createHttpGet } from '../../src/core/keys/httpGet.ts';
import { createKeyStore } from '../../src/core/keys/keyStore.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

const REST_CLIENT = `@baseUrl = https://example.com/api
@contentType = application/json

# @name login
POST {{baseUrl}}/login HTTP/1.1
Content-Type: application/x-www-form-urlencoded

name=foo&password=bar

###

@authToken = {{login.response.headers.X-AuthToken}}

# @name createComment
POST {{baseUrl}}/comments HTTP/1.1
Authorization: {{authToken}}
Content-Type: {{contentType}}

{
    "content": "fake content"
}

###

GET {{baseUrl}}/comments/1
    ?page=2
    &pageSize=10
`;

const JETBRAINS = `### Get the profile
GET https://{{host}}/profile
Authorization: Bearer {{token}}
Accept: application/json

> {%
    client.test("ok", function() { client.assert(response.status === 200); });
%}

### Upload
POST https://{{host}}/upload
Content-Type: application/json

< ./payload.json

>> out.json
`;

void describe('parseHttpFile: REST Client and JetBrains formats', () => {
  test('REST Client: file variables, named requests, headers, bodies, multi-line query', () => {
    const file = parseHttpFile(REST_CLIENT);
    assert.deepEqual(
      file.variables.map((v) => [v.name, v.value, v.line]),
      [
        ['baseUrl', 'https://example.com/api', 0],
        ['contentType', 'application/json', 1],
        ['authToken', '{{login.response.headers.X-AuthToken}}', 11],
      ],
    );
    assert.equal(file.requests.length, 3);
    const [login, create, list] = file.requests;
    assert.equal(login?.name, 'login');
    assert.equal(login?.method, 'POST');
    assert.equal(login?.url, '{{baseUrl}}/login');
    assert.equal(login?.httpVersion, 'HTTP/1.1');
    assert.equal(login?.body, 'name=foo&password=bar');
    assert.equal(create?.name, 'createComment');
    assert.deepEqual(
      create?.headers.map((h) => [h.name, h.value, h.line]),
      [
        ['Authorization', '{{authToken}}', 15],
        ['Content-Type', '{{contentType}}', 16],
      ],
    );
    assert.match(create?.body ?? '', /"content": "fake content"/);
    assert.equal(list?.method, 'GET', 'a URL alone is a GET');
    assert.equal(list?.url, '{{baseUrl}}/comments/1?page=2&pageSize=10');
    assert.equal(list?.body, undefined);
    // Columns point into the line: the value of the Authorization header starts after "Authorization: ".
    const authLine = REST_CLIENT.split('\n')[15] ?? '';
    assert.equal(authLine.slice(create?.headers[0]?.valueColumn ?? 0), '{{authToken}}');
  });

  test('JetBrains: `### name`, response handlers and redirects are not body', () => {
    const file = parseHttpFile(JETBRAINS);
    assert.equal(file.requests.length, 2);
    const [profile, upload] = file.requests;
    assert.equal(profile?.name, 'Get the profile');
    assert.equal(profile?.url, 'https://{{host}}/profile');
    assert.deepEqual(
      profile?.headers.map((h) => h.name),
      ['Authorization', 'Accept'],
    );
    assert.equal(profile?.body, undefined, 'the > {% %} handler is not a body');
    assert.equal(upload?.name, 'Upload');
    assert.equal(upload?.body, '< ./payload.json', 'the file reference is the body; >> out.json is not');
  });

  test('requestAtLine and variableAtLine find the block of a line', () => {
    const file = parseHttpFile(REST_CLIENT);
    assert.equal(requestAtLine(file, 4)?.name, 'login');
    assert.equal(requestAtLine(file, 7)?.name, 'login');
    assert.equal(requestAtLine(file, 16)?.name, 'createComment');
    assert.equal(requestAtLine(file, 26)?.url, '{{baseUrl}}/comments/1?page=2&pageSize=10');
    assert.equal(requestAtLine(file, 500), undefined);
    assert.equal(variableAtLine(file, 11)?.name, 'authToken');
    assert.equal(variableAtLine(file, 12), undefined);
  });

  test('CRLF files, a pasted block without separators, empty and junk input never throw', () => {
    const crlf = parseHttpFile(
      '@t = abc\r\nGET https://x.test/a HTTP/1.1\r\nAuthorization: Bearer {{t}}\r\n',
    );
    assert.equal(crlf.requests[0]?.headers[0]?.value, 'Bearer {{t}}');
    assert.equal(crlf.variables[0]?.value, 'abc');
    assert.equal(parseHttpFile('').requests.length, 0);
    for (const junk of ['###', '\n\n\n', '@', '@=', '{{', 'GET', ':::', '\u0000\u202e']) {
      assert.doesNotThrow(() => parseHttpFile(junk));
    }
  });
});

void describe('variables: values and where they came from', () => {
  test('file variables nest; the origin is the variable that holds the value', () => {
    const file = parseHttpFile(
      '@idToken = eyJ.a.b\n@token = {{idToken}}\n@host = {{scheme}}://api\n@scheme = https\n',
    );
    const resolver = new HttpVariableResolver(file);
    const token = resolver.resolve('token');
    assert.equal(token.status, 'resolved');
    if (token.status !== 'resolved') return;
    assert.equal(token.value, 'eyJ.a.b');
    assert.deepEqual(token.origin, { kind: 'file', name: 'idToken', line: 0 });
    assert.deepEqual(token.via, [{ kind: 'file', name: 'token', line: 1 }]);
    assert.match(describeResolution(token), /file variable @idToken \(line 1\)/);
    // Defined later in the file still counts (REST Client: file scope).
    assert.equal(resolver.expand('{{host}}/x').text, 'https://api/x');
  });

  test('request variables are "known only after that request is sent", through file variables too', () => {
    const resolver = new HttpVariableResolver(parseHttpFile(REST_CLIENT));
    const direct = resolver.resolve('login.response.body.$.AuthenticationResult.IdToken');
    assert.equal(direct.status, 'after-request');
    if (direct.status === 'after-request') assert.equal(direct.request, 'login');
    const through = resolver.resolve('authToken');
    assert.equal(through.status, 'after-request');
    assert.match(describeResolution(through), /known only after request login is sent/);
    // A name that is not a request of the file is simply undefined.
    assert.equal(resolver.resolve('nobody.response.body.$.x').status, 'unresolved');
  });

  test('REST Client environments: the selected one over $shared, {{$shared x}}, file variables first', () => {
    const set = restClientEnvironments({
      $shared: { version: 'v1', prodToken: 'foo' },
      local: { version: 'v2', host: 'localhost', token: '{{$shared prodToken}}' },
    });
    assert.deepEqual(set.names, ['local']);
    const env = set.select('local');
    assert.ok(env);
    const file = parseHttpFile('@host = from-file\nGET https://{{host}}/{{version}}\n');
    const resolver = new HttpVariableResolver(file, { environment: env });
    assert.equal(resolver.expand('{{host}} {{version}} {{token}}').text, 'from-file v2 foo');
    const token = resolver.resolve('token');
    assert.ok(token.status === 'resolved');
    assert.deepEqual(token.origin, {
      kind: 'environment',
      name: 'prodToken',
      environment: '$shared',
      source: 'rest-client.environmentVariables',
    });
    // "No environment" still sees $shared.
    const none = new HttpVariableResolver(file, { environment: set.select('') });
    assert.equal(none.expand('{{version}}').text, 'v1');
    assert.equal(set.select('missing'), undefined);
  });

  test('JetBrains: environment over in-place variables; public over private, as JetBrains documents', () => {
    const set = jetBrainsEnvironments(
      JSON.stringify({ dev: { host: 'dev.example.com', port: 8080 } }),
      JSON.stringify({ dev: { host: 'private.example.com', token: 'secret-token' } }),
    );
    const env = set.select('dev');
    assert.ok(env);
    const resolver = new HttpVariableResolver(parseHttpFile('@host = from-file\n'), { environment: env });
    const host = resolver.resolve('host');
    assert.ok(host.status === 'resolved');
    assert.equal(host.value, 'dev.example.com');
    assert.equal(resolver.expand('{{port}}').text, '8080');
    const token = resolver.resolve('token');
    assert.ok(token.status === 'resolved');
    assert.equal(token.value, 'secret-token');
    assert.ok(token.origin.kind === 'environment' && token.origin.source === 'http-client.private.env.json');
    assert.deepEqual(jetBrainsEnvironments('{not json').problems, ['http-client.env.json is not valid JSON']);
  });

  test('$dotenv reads the .env next to the file; $processEnv only when a lookup is given (trusted)', () => {
    const dotenv = parseDotenv('# c\nexport TOKEN="eyJ.x.y"\nHOST=api.test # comment\nBAD LINE\n');
    assert.equal(dotenv.get('TOKEN'), 'eyJ.x.y');
    assert.equal(dotenv.get('HOST'), 'api.test');
    const file = parseHttpFile('');
    const untrusted = new HttpVariableResolver(file, { dotenv: { file: '.env', values: dotenv } });
    const fromDotenv = untrusted.resolve('$dotenv TOKEN');
    assert.ok(fromDotenv.status === 'resolved');
    assert.deepEqual(fromDotenv.origin, { kind: 'dotenv', name: 'TOKEN', file: '.env' });
    const refused = untrusted.resolve('$processEnv HOME');
    assert.ok(refused.status === 'unresolved');
    assert.equal(refused.reason, 'untrusted');
    const asked: string[] = [];
    const trusted = new HttpVariableResolver(file, {
      processEnv: (name) => {
        asked.push(name);
        return name === 'API_TOKEN' ? 'tok' : undefined;
      },
    });
    const value = trusted.resolve('$processEnv API_TOKEN');
    assert.ok(value.status === 'resolved' && value.value === 'tok');
    assert.deepEqual(asked, ['API_TOKEN']);
    assert.equal(trusted.resolve('$guid').status, 'dynamic');
    assert.equal(new HttpVariableResolver(file).resolve('$dotenv X').status, 'unresolved');
  });

  test('cycles, undefined names and the depth cap are results, not exceptions', () => {
    const file = parseHttpFile('@a = {{b}}\n@b = {{c}}\n@c = {{a}}\n@self = x{{self}}\n');
    const resolver = new HttpVariableResolver(file);
    for (const name of ['a', 'b', 'c', 'self']) {
      const result = resolver.resolve(name);
      assert.ok(result.status === 'unresolved', name);
      assert.equal(result.reason, 'cycle', name);
    }
    const missing = resolver.resolve('nope');
    assert.ok(missing.status === 'unresolved' && missing.reason === 'undefined');
    const chain = Array.from({ length: MAX_REFERENCE_DEPTH + 5 }, (_, i) => `@v${i} = {{v${i + 1}}}`).join(
      '\n',
    );
    const deep = new HttpVariableResolver(parseHttpFile(`${chain}\n@v${MAX_REFERENCE_DEPTH + 5} = end\n`));
    const result = deep.resolve('v0');
    assert.ok(
      result.status === 'unresolved' && result.reason === 'depth',
      JSON.stringify(result).slice(0, 200),
    );
    // From nearer the end the same chain resolves: a depth failure is not remembered for the inner names.
    const near = deep.resolve(`v10`);
    assert.ok(near.status === 'resolved' && near.value === 'end');
  });
});

void describe('hostile sizes stay bounded (work counters, generous time limits)', () => {
  test('a 1 MiB file of requests parses in one pass', () => {
    const block = 'GET https://x.test/a\nAuthorization: Bearer {{t}}\n\n{"a":1}\n\n###\n';
    const text = block.repeat(Math.ceil((1024 * 1024) / block.length));
    const started = performance.now();
    const file = parseHttpFile(text);
    const ms = performance.now() - started;
    assert.equal(file.requests.length, Math.min(MAX_HTTP_REQUESTS, Math.ceil((1024 * 1024) / block.length)));
    assert.ok(file.truncated === undefined || file.truncated.requests > 0);
    assert.ok(ms < 3000, `1 MiB took ${ms} ms`);
  });

  test('one 1 MiB line, a 1 MiB run of "{{" and of "###" do not go quadratic', () => {
    for (const text of ['x'.repeat(1024 * 1024), '{{'.repeat(512 * 1024), '###\n'.repeat(256 * 1024)]) {
      const started = performance.now();
      const file = parseHttpFile(`GET https://x.test/${text}\n`);
      const resolver = new HttpVariableResolver(file);
      for (const request of file.requests.slice(0, 10)) resolver.expand(request.url);
      assert.ok(performance.now() - started < 3000);
      assert.ok(resolver.work < 10 * 1024 * 1024, `work ${resolver.work}`);
    }
  });

  test('10^5 variables, each referring to the next: linear work with memoization', () => {
    const count = 100_000;
    const lines = Array.from({ length: count }, (_, i) => `@v${i} = {{v${i + 1}}}`);
    lines.push(`@v${count} = end`);
    const file = parseHttpFile(lines.join('\n'));
    assert.equal(file.variables.length, count + 1);
    const resolver = new HttpVariableResolver(file);
    const started = performance.now();
    // Resolving from the far end first fills the memo; then every name is one step from a known one.
    let resolved = 0;
    for (let i = count; i >= 0; i--) if (resolver.resolve(`v${i}`).status === 'resolved') resolved++;
    assert.equal(resolved, count + 1);
    // In the other order each name walks at most MAX_REFERENCE_DEPTH links before failing with `depth`.
    const cold = new HttpVariableResolver(file);
    for (let i = 0; i < count; i += 1000) cold.resolve(`v${i}`);
    assert.ok(resolver.work < 20 * count, `work ${resolver.work}`);
    assert.ok(cold.work < 100 * (MAX_REFERENCE_DEPTH + 2) * 40, `cold work ${cold.work}`);
    // The work counters are the bound; the clock only catches a gross regression on a loaded machine.
    assert.ok(performance.now() - started < 10_000);
  });

  test('doubling references ({{a}}{{a}} chains) stop at the expansion cap, not in memory', () => {
    // 8 characters doubled 20 times would be 8 MiB; the cap (64 KiB) stops it 7 levels down, below the depth cap.
    const levels = 20;
    const lines = Array.from({ length: levels }, (_, i) => `@d${i} = {{d${i + 1}}}{{d${i + 1}}}`);
    lines.push(`@d${levels} = xxxxxxxx`);
    const resolver = new HttpVariableResolver(parseHttpFile(lines.join('\n')));
    const started = performance.now();
    const result = resolver.resolve('d0');
    assert.ok(
      result.status === 'unresolved' && result.reason === 'too-long',
      JSON.stringify(result).slice(0, 200),
    );
    const small = resolver.resolve(`d${levels - 10}`);
    assert.ok(levels < MAX_REFERENCE_DEPTH);
    assert.ok(small.status === 'resolved' && small.value.length === 8 * 1024);
    assert.ok(small.value.length <= MAX_EXPANDED_CHARS);
    assert.ok(resolver.work < 5_000_000, `work ${resolver.work}`);
    assert.ok(performance.now() - started < 3000);
  });

  test('doubling references deeper than the depth cap stop there in linear work, not 2^depth walks', () => {
    const levels = 60;
    const lines = Array.from({ length: levels }, (_, i) => `@d${i} = {{d${i + 1}}}{{d${i + 1}}}`);
    lines.push(`@d${levels} = x`);
    const resolver = new HttpVariableResolver(parseHttpFile(lines.join('\n')));
    const result = resolver.resolve('d0');
    assert.ok(result.status === 'unresolved' && result.reason === 'depth');
    assert.ok(resolver.work < 100 * MAX_REFERENCE_DEPTH, `work ${resolver.work}`);
  });

  test('a work budget stops a resolver that is asked too much, with a reason', () => {
    const file = parseHttpFile(`@big = ${'y'.repeat(10_000)}\n`);
    const resolver = new HttpVariableResolver(file, { workBudget: 50_000 });
    let budgetHit = false;
    for (let i = 0; i < 100; i++) {
      const result = resolver.expand(`{{big}}${'z'.repeat(1000)}`);
      if (!result.complete) budgetHit = true;
    }
    assert.ok(budgetHit);
    assert.ok(resolver.work < 50_000 + 20_000, `work ${resolver.work}`);
  });
});

let h: Harness;
let targets: HttpTargetConfig[];
const YAML = `version: 1
api: { region: us-east-1, accountId: "123456789012", apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json" }
routes:
  - { route: GET /profile, authorizer: pool }
  - { route: GET /orders, authorizer: pool, scopes: [orders/read] }
  - { route: GET /open, authorizer: none }
`;

before(async () => {
  h = await startHarness();
  targets = [{ label: 'authdebug.yaml', config: h.config(YAML) }];
});
after(() => h.close());

void describe('predicted outcome of each request (the real simulator)', () => {
  async function fileWithTokens(body: string): Promise<string> {
    return `@host = https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod\n@accessToken = ${await h.accessToken()}\n@idToken = ${await h.idToken()}\n\n${body}`;
  }

  test('an access token on a route without scopes: 401, with the ID-token variable as the fix', async () => {
    const text = await fileWithTokens('GET {{host}}/profile\nAuthorization: Bearer {{accessToken}}\n');
    const file = parseHttpFile(text);
    const resolver = new HttpVariableResolver(file);
    const request = file.requests[0];
    assert.ok(request);
    const plan = planRequest(request, resolver, targets);
    assert.equal(plan.kind, 'planned', JSON.stringify(plan).slice(0, 300));
    if (plan.kind !== 'planned') return;
    assert.equal(plan.path, '/profile', 'the stage of the invoke URL is not part of the route');
    assert.equal(plan.mappedBy, 'execute-api-host');
    const prediction = await predict(plan, resolver, simulate, { now: NOW }, { keys: h.keys });
    assert.equal(prediction.result.status, 401);
    assert.equal(prediction.label, '→ 401: access token on a route without scopes');
    assert.ok(prediction.fix);
    assert.equal(prediction.fix.variable, 'idToken');
    const line = text.split('\n')[prediction.fix.line] ?? '';
    assert.equal(line.slice(prediction.fix.start, prediction.fix.end), '{{accessToken}}');
  });

  test('the ID token on the same route: 200 with the authorizer and the groups', async () => {
    const file = parseHttpFile(
      await fileWithTokens('GET {{host}}/profile\nAuthorization: Bearer {{idToken}}\n'),
    );
    const resolver = new HttpVariableResolver(file);
    const [outcome] = await predictFile(
      file,
      resolver,
      targets,
      {},
      simulate,
      { now: NOW },
      { keys: h.keys },
    );
    assert.ok(outcome?.kind === 'predicted');
    assert.equal(outcome.label, '→ 200 (pool, admin, support)');
    assert.equal(outcome.fix, undefined);
  });

  test('cache-only keys never fetch: the token is refused as not verified, and nothing waited', async () => {
    const fresh = createKeyStore({ httpGet: createHttpGet(), now: () => Date.now(), timeoutMs: 2000 });
    const file = parseHttpFile(
      await fileWithTokens('GET {{host}}/profile\nAuthorization: Bearer {{idToken}}\n'),
    );
    const resolver = new HttpVariableResolver(file);
    const before = h.requests.length;
    const [outcome] = await predictFile(
      file,
      resolver,
      targets,
      {},
      simulate,
      { now: NOW },
      {
        keys: cacheOnlyKeys(fresh, 'a CodeLens fetches nothing'),
      },
    );
    assert.equal(h.requests.length, before, 'no key request reached the server');
    assert.ok(outcome?.kind === 'predicted');
    assert.equal(outcome.result.decision, 'deny');
    assert.match(outcome.label, /keys are not cached/);
  });

  test('base URLs: the setting maps a {{host}} prefix or a URL to an API; several APIs need it', () => {
    const two: HttpTargetConfig[] = [
      ...targets,
      {
        label: 'other.yaml',
        config: h.config(YAML.replace('a1b2c3d4e5', 'zzzzzzzzzz'), 'other.yaml'),
      },
    ];
    const file = parseHttpFile('GET {{host}}/open\n\n###\nGET https://api.example.com/v1/open\n');
    const resolver = new HttpVariableResolver(file);
    const [first, second] = file.requests;
    assert.ok(first && second);
    const unresolved = planRequest(first, resolver, two);
    assert.ok(unresolved.kind === 'skipped' && unresolved.skip === 'url-unresolved');
    assert.match(unresolved.reason, /\{\{host\}\} is not defined/);
    const ambiguous = planRequest(second, resolver, two, {});
    assert.ok(ambiguous.kind === 'skipped' && ambiguous.skip === 'no-route', JSON.stringify(ambiguous));
    const viaSetting = planRequest(first, resolver, two, { '{{host}}': 'other.yaml' });
    assert.ok(viaSetting.kind === 'planned');
    assert.equal(viaSetting.target.label, 'other.yaml');
    assert.equal(viaSetting.mappedBy, 'base-url-setting');
    const byUrl = planRequest(second, resolver, two, { 'https://api.example.com/v1/': 'a1b2c3d4e5' });
    assert.ok(byUrl.kind === 'planned' && byUrl.path === '/open' && byUrl.target.label === 'authdebug.yaml');
    const bothMatch = planRequest(parseHttpFile('GET /open\n').requests[0] ?? first, resolver, two);
    assert.ok(bothMatch.kind === 'skipped' && bothMatch.skip === 'ambiguous');
    assert.match(bothMatch.reason, /authDebugger\.http\.baseUrls/);
  });

  test('a token from a request variable: no prediction, "known only after login is sent"', async () => {
    const file = parseHttpFile(
      `# @name login\nPOST https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/login\n\n###\n@token = {{login.response.body.$.AuthenticationResult.IdToken}}\nGET https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com/prod/profile\nAuthorization: Bearer {{token}}\n`,
    );
    const resolver = new HttpVariableResolver(file);
    const outcomes = await predictFile(file, resolver, targets, {}, simulate, { now: NOW }, { keys: h.keys });
    const rows = outcomes.map(outcomeRow);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]?.decision, 'skipped', 'POST /login is not a configured route');
    assert.equal(rows[1]?.decision, 'skipped');
    assert.match(rows[1]?.step ?? '', /known only after request login is sent/);
  });

  test('execute-api hosts: the API id and region, nothing else', () => {
    assert.deepEqual(parseExecuteApiHost('A1B2C3D4E5.execute-api.us-east-1.amazonaws.com:443'), {
      apiId: 'a1b2c3d4e5',
      region: 'us-east-1',
    });
    assert.deepEqual(
      parseExecuteApiHost('abc.execute-api.cn-north-1.amazonaws.com.cn')?.region,
      'cn-north-1',
    );
    for (const host of [
      'abc.execute-api.us-east-1.amazonaws.com.evil.test',
      'abc.execute-api.cn-north-1.amazonaws.com',
      'a-b.execute-api.us-east-1.amazonaws.com',
      'abc.execute-api.notaregion.amazonaws.com',
      'execute-api.us-east-1.amazonaws.com',
      `${'a'.repeat(200)}.execute-api.us-east-1.amazonaws.com`,
    ]) {
      assert.equal(parseExecuteApiHost(host), undefined, host);
    }
  });

  test('a file of 10,000 requests is planned up to the cap, in bounded time', () => {
    const file = parseHttpFile('GET /open\nAuthorization: Bearer {{t}}\n\n###\n'.repeat(10_000));
    const started = performance.now();
    const plans = planFile(file, new HttpVariableResolver(file), targets);
    assert.equal(plans.length, MAX_PREDICTED_REQUESTS);
    assert.ok(performance.now() - started < 5000);
  });

  test('no token at all: 401 from the authorizer; an open route: 200 (no authorizer)', async () => {
    const file = parseHttpFile('GET /profile\n\n###\nGET /open\n');
    const resolver = new HttpVariableResolver(file);
    const outcomes = await predictFile(file, resolver, targets, {}, simulate, { now: NOW }, { keys: h.keys });
    const rows = outcomes.map(outcomeRow);
    assert.equal(rows[0]?.status, 401);
    assert.equal(rows[0]?.route, 'GET /profile');
    assert.equal(rows[1]?.label, '→ 200 (no authorizer)');
  });
});
