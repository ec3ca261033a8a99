// Webview -> host messages are a trust boundary (a webview renders token text): every malformed or unknown
// message is rejected, accepted ones are rebuilt from known fields only, and nothing throws.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseInspectorMessage, parseSimulatorMessage } from '../../src/vscode/messages.ts';
import { MAX_MESSAGE_TEXT } from '../../src/shared/protocol.ts';
import type { InspectorToHost, SimulatorToHost } from '../../src/shared/protocol.ts';

const request = {
  token: 'eyJa.b.c',
  configId: 'file:///w/authdebug.yaml',
  request: 'GET /orders/1',
  authorizer: undefined,
  whatIf: {
    addGroups: ['admin'],
    addScopes: ['orders/read'],
    setClaims: [{ name: 'custom:t', value: 'acme' }],
  },
};

/** Messages that are not objects with a string `type`, or name no message: both parsers reject them all. */
const NOT_MESSAGES: unknown[] = [
  undefined,
  null,
  0,
  'ready',
  true,
  [],
  [{ type: 'ready' }],
  {},
  { type: 1 },
  { type: null },
  { type: ['ready'] },
  { type: { toString: () => 'ready' } },
  { type: 'READY' },
  { type: ' ready' },
  { type: '' },
  { type: '__proto__' },
  { type: 'constructor' },
  { type: 'toString' },
  { type: 'hasOwnProperty' },
  JSON.parse('{"__proto__":{"type":"ready"}}'),
  Object.create({ type: 'ready' }),
];

void describe('parseInspectorMessage', () => {
  test('accepts each known message, rebuilt from its known fields only', () => {
    const cases: Array<[unknown, InspectorToHost]> = [
      [{ type: 'ready', extra: 'dropped' }, { type: 'ready' }],
      [{ type: 'verifyAgain' }, { type: 'verifyAgain' }],
      [{ type: 'reloadKeys', reload: true }, { type: 'reloadKeys' }],
      [
        { type: 'copy', text: 'x', html: '<b>' },
        { type: 'copy', text: 'x' },
      ],
      [
        { type: 'copy', text: '' },
        { type: 'copy', text: '' },
      ],
      [
        { type: 'simulate', index: 0 },
        { type: 'simulate', index: 0 },
      ],
      [
        { type: 'simulate', index: 999 },
        { type: 'simulate', index: 999 },
      ],
      [
        { type: 'compare', index: 1, text: 'eyJ.x.y', html: '<b>' },
        { type: 'compare', index: 1, text: 'eyJ.x.y' },
      ],
    ];
    for (const [raw, expected] of cases) assert.deepEqual(parseInspectorMessage(raw), expected);
    const copied = { type: 'copy', text: 'x' };
    assert.notEqual(parseInspectorMessage(copied), copied, 'a new object, not the webview’s');
  });

  test('rejects non-messages, unknown types and simulator-only messages', () => {
    for (const raw of NOT_MESSAGES) assert.equal(parseInspectorMessage(raw), undefined, JSON.stringify(raw));
    for (const type of ['rescan', 'createSampleConfig', 'openConfig', 'inspect', 'token', 'render'])
      assert.equal(parseInspectorMessage({ type }), undefined, type);
  });

  test('rejects malformed fields: copy text and simulate index', () => {
    const bad: unknown[] = [
      { type: 'copy' },
      { type: 'copy', text: 1 },
      { type: 'copy', text: null },
      { type: 'copy', text: ['x'] },
      { type: 'copy', text: 'x'.repeat(MAX_MESSAGE_TEXT + 1) },
      { type: 'simulate' },
      { type: 'simulate', index: -1 },
      { type: 'simulate', index: 1.5 },
      { type: 'simulate', index: 1000 },
      { type: 'simulate', index: Number.NaN },
      { type: 'simulate', index: Number.POSITIVE_INFINITY },
      { type: 'simulate', index: '0' },
      { type: 'simulate', index: 2 ** 53 },
      { type: 'compare', text: 'x' },
      { type: 'compare', index: 0 },
      { type: 'compare', index: -1, text: 'x' },
      { type: 'compare', index: 0, text: 7 },
      { type: 'compare', index: 0, text: 'x'.repeat(MAX_MESSAGE_TEXT + 1) },
    ];
    for (const raw of bad) assert.equal(parseInspectorMessage(raw), undefined, JSON.stringify(raw));
    assert.deepEqual(
      parseInspectorMessage({ type: 'copy', text: 'x'.repeat(MAX_MESSAGE_TEXT) })?.type,
      'copy',
    );
  });
});

void describe('parseSimulatorMessage', () => {
  test('accepts each known message, rebuilt from its known fields only', () => {
    const cases: Array<[unknown, SimulatorToHost]> = [
      [{ type: 'ready' }, { type: 'ready' }],
      [{ type: 'createSampleConfig', path: '/etc/passwd' }, { type: 'createSampleConfig' }],
      [{ type: 'rescan' }, { type: 'rescan' }],
      [
        { type: 'inspect', token: 'Bearer x' },
        { type: 'inspect', token: 'Bearer x' },
      ],
      [
        { type: 'openConfig', configId: 'c', line: 12, uri: 'file:///etc/passwd' },
        { type: 'openConfig', configId: 'c', line: 12 },
      ],
      [
        { type: 'openConfig', configId: 'c' },
        { type: 'openConfig', configId: 'c', line: undefined },
      ],
      [
        { type: 'simulate', request: { ...request, network: true } },
        { type: 'simulate', request },
      ],
      [
        { type: 'simulate', request: { ...request, authorizer: 'pool', whatIf: undefined } },
        { type: 'simulate', request: { ...request, authorizer: 'pool', whatIf: undefined } },
      ],
    ];
    for (const [raw, expected] of cases) assert.deepEqual(parseSimulatorMessage(raw), expected);
  });

  test('rejects non-messages, unknown types and Inspector-only messages', () => {
    for (const raw of NOT_MESSAGES) assert.equal(parseSimulatorMessage(raw), undefined, JSON.stringify(raw));
    for (const type of ['verifyAgain', 'reloadKeys', 'copy', 'config', 'result'])
      assert.equal(parseSimulatorMessage({ type }), undefined, type);
  });

  test('rejects malformed inspect, openConfig and simulate requests', () => {
    const long = 'x'.repeat(MAX_MESSAGE_TEXT + 1);
    const requests: unknown[] = [
      undefined,
      null,
      'GET /',
      [request],
      { ...request, token: undefined },
      { ...request, token: 1 },
      { ...request, token: long },
      { ...request, configId: undefined },
      { ...request, configId: 'c'.repeat(4097) },
      { ...request, request: undefined },
      { ...request, request: 'r'.repeat(4097) },
      { ...request, authorizer: null },
      { ...request, authorizer: 7 },
      { ...request, authorizer: 'a'.repeat(257) },
      { ...request, whatIf: null },
      { ...request, whatIf: 'admin' },
      { ...request, whatIf: [] },
      { ...request, whatIf: { addGroups: [], addScopes: [] } },
      { ...request, whatIf: { addGroups: 'admin', addScopes: [], setClaims: [] } },
      { ...request, whatIf: { addGroups: [1], addScopes: [], setClaims: [] } },
      { ...request, whatIf: { addGroups: ['g'.repeat(1025)], addScopes: [], setClaims: [] } },
      { ...request, whatIf: { addGroups: Array(101).fill('g'), addScopes: [], setClaims: [] } },
      { ...request, whatIf: { addGroups: [], addScopes: [null], setClaims: [] } },
      { ...request, whatIf: { addGroups: [], addScopes: [], setClaims: {} } },
      { ...request, whatIf: { addGroups: [], addScopes: [], setClaims: [null] } },
      { ...request, whatIf: { addGroups: [], addScopes: [], setClaims: [['name', 'value']] } },
      { ...request, whatIf: { addGroups: [], addScopes: [], setClaims: [{ name: 'n' }] } },
      { ...request, whatIf: { addGroups: [], addScopes: [], setClaims: [{ name: 1, value: 'v' }] } },
      {
        ...request,
        whatIf: { addGroups: [], addScopes: [], setClaims: [{ name: 'n'.repeat(257), value: '' }] },
      },
      {
        ...request,
        whatIf: { addGroups: [], addScopes: [], setClaims: [{ name: 'n', value: 'v'.repeat(8193) }] },
      },
      {
        ...request,
        whatIf: { addGroups: [], addScopes: [], setClaims: Array(101).fill({ name: 'n', value: 'v' }) },
      },
    ];
    for (const body of requests)
      assert.equal(
        parseSimulatorMessage({ type: 'simulate', request: body }),
        undefined,
        JSON.stringify(body),
      );
    const others: unknown[] = [
      { type: 'simulate' },
      { type: 'inspect' },
      { type: 'inspect', token: 42 },
      { type: 'inspect', token: long },
      { type: 'openConfig' },
      { type: 'openConfig', configId: 1 },
      { type: 'openConfig', configId: 'c', line: -1 },
      { type: 'openConfig', configId: 'c', line: 2.5 },
      { type: 'openConfig', configId: 'c', line: '3' },
      { type: 'openConfig', configId: 'c', line: null },
      { type: 'openConfig', configId: 'c', line: 10_000_000 },
    ];
    for (const raw of others) assert.equal(parseSimulatorMessage(raw), undefined, JSON.stringify(raw));
  });

  test('a claim named __proto__ is kept as data and pollutes nothing', () => {
    const raw = JSON.parse(
      '{"type":"simulate","request":{"token":"","configId":"c","request":"GET /","whatIf":{"addGroups":[],"addScopes":[],"setClaims":[{"name":"__proto__","value":"{\\"polluted\\":1}"}]},"__proto__":{"authorizer":"injected"}}}',
    ) as unknown;
    const parsed = parseSimulatorMessage(raw);
    assert.equal(parsed?.type, 'simulate');
    assert.equal(parsed.request.authorizer, undefined, 'an inherited authorizer is not the request’s');
    assert.deepEqual(parsed.request.whatIf?.setClaims, [{ name: '__proto__', value: '{"polluted":1}' }]);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

/** An independent statement of what each parser may return: known type, known fields, all within bounds. */
function wellFormed(message: InspectorToHost | SimulatorToHost): boolean {
  const keys = Object.keys(message).sort().join(',');
  switch (message.type) {
    case 'ready':
    case 'verifyAgain':
    case 'reloadKeys':
    case 'createSampleConfig':
    case 'rescan':
      return keys === 'type';
    case 'copy':
      return keys === 'text,type' && typeof message.text === 'string';
    case 'inspect':
      return keys === 'token,type' && typeof message.token === 'string';
    case 'simulate':
      return 'index' in message
        ? keys === 'index,type' &&
            Number.isInteger(message.index) &&
            message.index >= 0 &&
            message.index < 1000
        : keys === 'request,type' && typeof message.request.token === 'string';
    case 'openConfig':
      return keys === 'configId,line,type' && typeof message.configId === 'string';
    default:
      return false;
  }
}

void describe('message parsers under random input', () => {
  const types = fc.constantFrom(
    'ready',
    'verifyAgain',
    'reloadKeys',
    'copy',
    'simulate',
    'createSampleConfig',
    'openConfig',
    'inspect',
    'rescan',
    '__proto__',
  );
  const anyValue = fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true });
  const messages = fc.oneof(
    anyValue,
    fc.record({
      type: types,
      text: anyValue,
      index: anyValue,
      token: anyValue,
      configId: anyValue,
      line: anyValue,
    }),
    fc.record({
      type: fc.constant('simulate'),
      request: fc.record({
        token: fc.oneof(fc.string(), anyValue),
        configId: fc.oneof(fc.string(), anyValue),
        request: fc.oneof(fc.string(), anyValue),
        authorizer: fc.oneof(fc.constant(undefined), fc.string(), anyValue),
        whatIf: fc.oneof(
          fc.constant(undefined),
          anyValue,
          fc.record({
            addGroups: fc.oneof(fc.array(fc.string()), anyValue),
            addScopes: fc.oneof(fc.array(fc.string()), anyValue),
            setClaims: fc.oneof(fc.array(fc.record({ name: fc.string(), value: anyValue })), anyValue),
          }),
        ),
      }),
    }),
  );

  test('never throw, and return undefined or a well-formed message', () => {
    fc.assert(
      fc.property(messages, (raw) => {
        for (const parsed of [parseInspectorMessage(raw), parseSimulatorMessage(raw)]) {
          if (parsed !== undefined) assert.ok(wellFormed(parsed), JSON.stringify(parsed));
        }
      }),
      { numRuns: 3000 },
    );
  });
});

void describe('parseSimulatorMessage: the kept form, history and Copy event (issue 12)', () => {
  const form = {
    token: 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
    configId: 'c',
    routeId: 'c#1',
    request: 'GET /app/x',
    authorizer: '',
    addGroups: 'admin',
    addScopes: '',
    setClaims: 'custom:tenant=acme',
  };

  test('accepts a form, rebuilt from its known string fields only', () => {
    assert.deepEqual(parseSimulatorMessage({ type: 'form', form: { ...form, extra: 'x' } }), {
      type: 'form',
      form,
    });
    assert.deepEqual(parseSimulatorMessage({ type: 'copyEvent', text: 'x' }), { type: 'copyEvent' });
    assert.deepEqual(parseSimulatorMessage({ type: 'pickHistory', id: 3 }), { type: 'pickHistory', id: 3 });
  });

  test('rejects a form with a missing, non-string or oversized field, and bad history ids', () => {
    const bad: unknown[] = [
      { type: 'form' },
      { type: 'form', form: 'x' },
      { type: 'form', form: [] },
      ...Object.keys(form).map((key) => ({ type: 'form', form: { ...form, [key]: undefined } })),
      ...Object.keys(form).map((key) => ({ type: 'form', form: { ...form, [key]: 1 } })),
      { type: 'form', form: { ...form, token: 'x'.repeat(MAX_MESSAGE_TEXT + 1) } },
      { type: 'form', form: { ...form, request: 'r'.repeat(4097) } },
      { type: 'pickHistory' },
      { type: 'pickHistory', id: -1 },
      { type: 'pickHistory', id: 1.5 },
      { type: 'pickHistory', id: '1' },
      { type: 'pickHistory', id: 2 ** 53 },
    ];
    for (const raw of bad) assert.equal(parseSimulatorMessage(raw), undefined, JSON.stringify(raw));
  });

  test('an inherited form field fills nothing', () => {
    const inherited = Object.create({ token: 'from the prototype' }) as Record<string, string>;
    for (const [key, value] of Object.entries(form)) if (key !== 'token') inherited[key] = value;
    assert.equal(parseSimulatorMessage({ type: 'form', form: inherited }), undefined);
  });
});
