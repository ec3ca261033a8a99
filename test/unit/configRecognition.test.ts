// A configuration file is recognised by its content (issue 11): `--config checks.yaml` is an authdebug file.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadConfig, looksLikeAuthdebugConfig } from '../../src/core/iac/loadConfig.ts';

const CONFIG = `version: 1
api: { region: us-east-1, accountId: '123456789012', apiId: a1b2c3d4e5, stage: prod }
authorizers:
  pool: { type: cognito, userPools: [us-east-1_AbC123] }
routes:
  - { route: 'GET /orders/{id}', authorizer: pool }
`;
const CORPUS = join(__dirname, '..', 'fixtures', 'iac');

void describe('configuration files recognised by content', () => {
  void it('an authdebug configuration under any name is read by the strict parser', () => {
    for (const name of ['checks.yaml', 'ci/auth.yml', 'template.yaml']) {
      const result = loadConfig(name, CONFIG);
      assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
      assert.deepEqual(Object.keys(result.config.authorizers), ['pool']);
      assert.equal(result.config.routes[0]?.route, 'GET /orders/{id}');
    }
  });
  void it('JSON configurations too', () => {
    const json = JSON.stringify({
      version: 1,
      authorizers: { pool: { type: 'cognito', userPools: ['us-east-1_AbC123'] } },
      routes: [{ route: 'GET /a', authorizer: 'pool' }],
    });
    assert.equal(looksLikeAuthdebugConfig(json), true);
    const result = loadConfig('checks.json', json);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
  });
  void it('a strict-parser error names the file, not "no Resources"', () => {
    const result = loadConfig('checks.yaml', `${CONFIG}  - { route: GET /b, authorizer: nope }\n`);
    assert.equal(result.ok, false);
    assert.ok(!result.ok && result.errors.some((e) => e.includes('checks.yaml') && e.includes('nope')));
  });
  void it('no template of the corpus is taken for a configuration', () => {
    const files = readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f));
    assert.equal(files.length, 18);
    for (const file of files) {
      assert.equal(looksLikeAuthdebugConfig(readFileSync(join(CORPUS, file), 'utf8')), false, file);
    }
  });
  void it('keys below the top level do not count', () => {
    const nested = `Resources:\n  Api:\n    version: 1\n    routes: []\nMetadata:\n  authorizers: {}\n`;
    assert.equal(looksLikeAuthdebugConfig(nested), false);
    assert.equal(looksLikeAuthdebugConfig('version: 1\nroutes: []\nResources: {}\n'), false);
    assert.equal(looksLikeAuthdebugConfig('{ not json'), false);
  });
});
