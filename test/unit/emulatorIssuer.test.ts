// A template pool served by an emulator: cognito-local's loopback issuer counts as the pool's only when the user
// gave its key URL, and the trace says this is local emulation, not AWS behaviour.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { emulatorPoolOfIssuer } from '../../src/core/emulatorIssuer.ts';
import type { SimConfig } from '../../src/core/config/model.ts';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { LOCAL_POOL, NOW, startHarness } from '../fixtures/simulate/harness.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

// A SAM template naming the emulator's pool by ARN, as the playground's template.yaml does.
const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  RestApi:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      Auth:
        DefaultAuthorizer: Pool
        Authorizers:
          Pool:
            UserPoolArn: arn:aws:cognito-idp:local:local:userpool/${LOCAL_POOL}
  ProfileFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "x"
      Events:
        Profile:
          Type: Api
          Properties: { RestApiId: !Ref RestApi, Path: /profile, Method: get }
`;

function template(): SimConfig {
  const loaded = loadConfig('template.yaml', TEMPLATE);
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('; '));
  return loaded.config;
}

describe('emulator issuers for template pools', () => {
  it('without a key URL from the user: refused, and nothing is fetched', async () => {
    const before = h.requests.length;
    const result = await simulate(
      { config: template(), route: 'GET /profile', token: await h.localIdToken() },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(result.decision, 'deny');
    assert.equal(result.status, 401);
    assert.equal(h.requests.length, before);
  });

  it('with the issuer mapped to its key URL: verified and allowed, labelled as local emulation', async () => {
    const token = await h.localIdToken();
    const iss = `${h.base}/${LOCAL_POOL}`;
    const result = await simulate(
      { config: template(), route: 'GET /profile', token },
      { now: NOW, keyUrls: { byIssuer: { [iss]: `${iss}/.well-known/jwks.json` } } },
      { keys: h.keys },
    );
    assert.equal(result.decision, 'allow', JSON.stringify(result.trace, null, 1));
    const note = result.trace.find((t) => t.message.includes('emulator issuer'));
    assert.equal(note?.status, 'warn');
    assert.match(note?.message ?? '', /not AWS behaviour/);
  });

  it('a tampered emulator token is still refused when mapped', async () => {
    const token = await h.localIdToken();
    const [head, body] = token.split('.');
    const iss = `${h.base}/${LOCAL_POOL}`;
    const result = await simulate(
      { config: template(), route: 'GET /profile', token: `${head}.${body}.${'A'.repeat(342)}` },
      { now: NOW, keyUrls: { byIssuer: { [iss]: `${iss}/.well-known/jwks.json` } } },
      { keys: h.keys },
    );
    assert.equal(result.decision, 'deny');
  });

  it('reads only loopback http issuers with one pool segment', () => {
    assert.deepEqual(emulatorPoolOfIssuer('http://127.0.0.1:9229/local_abc'), {
      poolId: 'local_abc',
      endpoint: 'http://127.0.0.1:9229/',
    });
    assert.equal(emulatorPoolOfIssuer('http://example.com/local_abc'), undefined);
    assert.equal(emulatorPoolOfIssuer('https://127.0.0.1/local_abc'), undefined);
    assert.equal(emulatorPoolOfIssuer('http://127.0.0.1/a/local_abc'), undefined);
    assert.equal(emulatorPoolOfIssuer('http://127.0.0.1/nounderscore'), undefined);
    assert.equal(emulatorPoolOfIssuer(`http://127.0.0.1/${'a_'.repeat(200)}`), undefined);
  });
});
