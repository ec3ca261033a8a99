// "Create Sample Config" writes a configuration that loads as written, with REST routes simulated as REST.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/core/iac/loadConfig.ts';
import { SAMPLE_CONFIG } from '../../src/vscode/sampleConfig.ts';

void describe('the sample configuration', () => {
  void it('loads without errors and names its API kinds', () => {
    const result = loadConfig('authdebug.yaml', SAMPLE_CONFIG);
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    assert.equal(result.config.api?.kind, 'rest');
    const profile = result.config.routes.find((r) => r.route === 'GET /profile');
    assert.equal(profile?.apiKind, 'http');
  });
});
