// User regexes run on a linear-time engine: same answers as JavaScript on ordinary patterns, named refusals for the
// Java features RE2 lacks, configuration findings with file:line, and no hang on nested quantifiers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { parseConfigFile } from '../../src/core/config/configFile.ts';
import { simulate } from '../../src/core/simulate/simulate.ts';
import { USER_REGEX_PATTERN_LIMIT, compileUserRegex, userRegexCacheSize } from '../../src/core/userRegex.ts';
import type { Harness } from '../fixtures/simulate/harness.ts';
import { NOW, POOL, startHarness } from '../fixtures/simulate/harness.ts';

function matches(pattern: string, value: string): boolean {
  const compiled = compileUserRegex(pattern);
  assert.ok(compiled.ok, compiled.ok ? '' : compiled.message);
  const outcome = compiled.test(value);
  assert.ok(outcome.ok, outcome.ok ? '' : outcome.message);
  return outcome.matched;
}

function refusal(pattern: string): { reason: string; message: string } {
  const compiled = compileUserRegex(pattern);
  assert.ok(!compiled.ok, `${pattern} compiled`);
  return { reason: compiled.reason, message: compiled.message };
}

/** Patterns both engines read the same way: literals, ., classes, groups, alternation, quantifiers, anchors. */
const portablePattern: fc.Arbitrary<string> = fc.letrec<{ expr: string; atom: string }>((tie) => ({
  atom: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('a', 'b', '.', '[ab]', '[^a]', '\\d', 'x', '^', '$'),
    tie('expr').map((e) => `(${e})`),
    tie('expr').map((e) => `(?:${e})`),
  ),
  expr: fc
    .array(fc.tuple(tie('atom'), fc.constantFrom('', '', '*', '+', '?', '{1,2}', '*?', '+?')), {
      minLength: 1,
      maxLength: 4,
    })
    .chain((parts) =>
      fc.boolean().map((alternate) => {
        const sequence = parts.map(([atom, q]) => (atom === '^' || atom === '$' ? atom : atom + q)).join('');
        return alternate ? `${sequence}|b` : sequence;
      }),
    ),
})).expr;

void describe('compileUserRegex', () => {
  void it('searches like JavaScript RegExp.test on patterns both engines share', () => {
    fc.assert(
      fc.property(portablePattern, fc.stringMatching(/^[abx1\n]{0,12}$/), (pattern, value) => {
        // The reference: a backtracking RegExp is fine on these tiny inputs.
        const expected = new RegExp(pattern).test(value);
        assert.equal(matches(pattern, value), expected, `/${pattern}/ on ${JSON.stringify(value)}`);
      }),
      { numRuns: 2000 },
    );
  });

  void it('reads Java spellings RE2 shares after translation (\\uXXXX)', () => {
    assert.equal(matches('^\\u0041b$', 'Ab'), true);
    assert.equal(matches('[\\u0061-\\u0063]+', 'cab'), true);
    assert.equal(matches('\\Q.*\\E', 'a.*b'), true);
    assert.equal(matches('\\Q.*\\E', 'ab'), false);
  });

  void it('names the Java features RE2 lacks instead of guessing', () => {
    const cases: [string, RegExp][] = [
      ['(a)\\1', /backreference \\1/],
      ['(?<n>a)\\k<n>', /named backreference/],
      ['a(?=b)', /lookahead/],
      ['a(?!b)', /lookahead/],
      ['(?<=a)b', /lookbehind/],
      ['(?<!a)b', /lookbehind/],
      ['(?>a+)b', /atomic group/],
      ['a++b', /possessive/],
      ['a{2}+', /possessive/],
      ['abc\\Z', /\\Z/],
      ['[a-z&&[^b]]', /intersection/],
      ['[[:alpha:]]', /POSIX class/],
      ['(?x) a b', /inline flag x/],
      ['(?U)\\w', /inline flag U/],
      ['\\p{Alpha}+', /Java character property/],
      ['(a{100}){100}', /repetition counts above 1000/],
    ];
    for (const [pattern, message] of cases) {
      const r = refusal(pattern);
      assert.equal(r.reason, 'unsupported', pattern);
      assert.match(r.message, message, pattern);
    }
  });

  void it('reports patterns no engine accepts as invalid, with the parser detail', () => {
    for (const pattern of ['([', 'a{2,1}', '*a', '(?<n>a', 'a)']) {
      const r = refusal(pattern);
      assert.equal(r.reason, 'invalid', pattern);
      assert.match(r.message, /^not a valid regular expression: /, pattern);
    }
  });

  void it('does not mistake escaped or quoted syntax for features', () => {
    assert.equal(matches('\\(\\?=x\\)', '(?=x)'), true);
    assert.equal(matches('\\Q(?=x)\\1\\E', '(?=x)\\1'), true);
    assert.equal(matches('[\\[]a', '[a'), true);
    assert.equal(matches('[]a]+', ']a'), true);
    assert.equal(matches('a+?b', 'aab'), true);
    assert.equal(matches('(?i)ABC', 'xabc'), true);
  });

  void it('nested quantifiers against 10k characters finish fast (linear engine)', () => {
    const hostile = `${'a'.repeat(10_000)}!`;
    for (const pattern of ['^(a+)+$', '^(a|aa)*$', '^(a|a?)+$', '(.*a){20}!x', '^([a-z]+)*[0-9]$']) {
      const started = performance.now();
      assert.equal(matches(pattern, hostile), false, pattern);
      assert.ok(performance.now() - started < 2000, `${pattern}: ${performance.now() - started} ms`);
    }
  });

  void it('bounds compile size and matching work', () => {
    const long = refusal('a'.repeat(USER_REGEX_PATTERN_LIMIT + 1));
    assert.equal(long.reason, 'too-large');
    // The worst pattern under the length limit: repetition that multiplies the program.
    const started = performance.now();
    const multiplied = refusal('\\pL{1000}'.repeat(Math.floor(USER_REGEX_PATTERN_LIMIT / 9)));
    assert.equal(multiplied.reason, 'too-large');
    assert.ok(performance.now() - started < 3000, `compile took ${performance.now() - started} ms`);
    const big = compileUserRegex('[a-z]{1000}x');
    assert.ok(big.ok);
    const refused = big.test('a'.repeat(64 * 1024));
    assert.equal(refused.ok, false, 'program x input over the budget is refused, not run');
    assert.equal(big.test('a'.repeat(1000)).ok, true);
  });

  void it('caches compiled patterns in a bounded map', () => {
    const first = compileUserRegex('^cache-me$');
    assert.equal(compileUserRegex('^cache-me$'), first, 'same compiled object on reuse');
    for (let i = 0; i < 500; i++) compileUserRegex(`^p${i}$`);
    assert.ok(userRegexCacheSize() <= 64, `cache holds ${userRegexCacheSize()}`);
  });

  void it("notes Java's $ before a final line break", () => {
    const compiled = compileUserRegex('^abc$');
    assert.ok(compiled.ok);
    const outcome = compiled.test('abc\n');
    assert.ok(outcome.ok);
    assert.equal(outcome.matched, false);
    assert.match(outcome.note ?? '', /Java's "\$" also matches just before it/);
  });
});

const HEAD = 'version: 1\napi: { region: us-east-1, accountId: "123456789012", apiId: a1, stage: prod }\n';

void describe('validationRegex in authdebug.yaml', () => {
  void it('an invalid expression is a configuration error with file:line', () => {
    const result = parseConfigFile(
      'authdebug.yaml',
      `${HEAD}authorizers:\n  api:\n    type: cognito\n    userPools: [us-east-1_A1]\n    validationRegex: "a{2,1}"\nroutes: []\n`,
    );
    assert.ok(!result.ok);
    assert.match(
      result.errors.join('\n'),
      /^authdebug\.yaml:7: authorizers\.api\.validationRegex is not a valid regular expression: invalid repeat count/,
    );
  });

  void it('a Java-only expression is kept with a warning naming the feature', () => {
    const result = parseConfigFile(
      'authdebug.yaml',
      `${HEAD}authorizers:\n  api:\n    type: cognito\n    userPools: [us-east-1_A1]\n    jwks: "https://example.com/jwks.json"\n    validationRegex: "^(?=5m)"\nroutes: []\n`,
    );
    assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    const warning = result.config.warnings.find((w) => w.id === 'validation-regex-unsupported');
    assert.match(warning?.message ?? '', /^authdebug\.yaml:8: .*lookahead/);
  });
});

void describe('validationRegex in the simulator', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());
  const yaml = (regex: string): string =>
    `${HEAD}authorizers:\n  pool: { type: cognito, userPools: [${POOL}], jwks: "{{BASE}}/jwks.json", validationRegex: ${JSON.stringify(regex)} }\nroutes:\n  - { route: GET /r, authorizer: pool }\n`;

  void it('an unsupported expression: the trace says it cannot be evaluated and the simulation goes on', async () => {
    const r = await simulate(
      { config: h.config(yaml('^(?=5m)')), route: 'GET /r', token: await h.idToken() },
      { now: NOW },
      { keys: h.keys },
    );
    const trace = r.trace.map((t) => `${t.status} ${t.step}: ${t.message}`).join('\n');
    assert.match(trace, /warn validation-regex: .*cannot be evaluated here: uses lookahead/);
    assert.equal(r.decision, 'allow', trace);
  });

  void it('an invalid expression from a template is a configuration verdict, not an internal error', async () => {
    const config = h.config(yaml('^5m'));
    const auth = config.authorizers.pool;
    assert.ok(auth);
    auth.validationRegex = '([';
    const r = await simulate(
      { config, route: 'GET /r', token: await h.idToken() },
      { now: NOW },
      { keys: h.keys },
    );
    const trace = r.trace.map((t) => `${t.status} ${t.step}: ${t.message}`).join('\n');
    assert.equal(r.decidedBy, 'config', trace);
    assert.match(trace, /fail validation-regex: .*is not a valid regular expression/);
    assert.doesNotMatch(trace, /internal error/i);
  });

  void it('a nested-quantifier expression against a long aud decides quickly', async () => {
    const started = performance.now();
    const r = await simulate(
      {
        config: h.config(yaml('^(a+)+$')),
        route: 'GET /r',
        token: await h.idToken({ aud: `${'a'.repeat(10_000)}!` }),
      },
      { now: NOW },
      { keys: h.keys },
    );
    assert.equal(r.decidedBy, 'validation-regex');
    assert.ok(performance.now() - started < 3000, `${performance.now() - started} ms`);
  });
});
