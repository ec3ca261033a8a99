// Authorizer Simulator sidebar: token input, config/route/authorizer pickers, what-if editor, result card, trace.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type {
  AuthorizerInfo,
  HostToSimulator,
  MatchedRouteView,
  RouteOption,
  SimulationView,
  SimulatorConfigState,
  SimulatorToHost,
  TraceStatus,
  TrustInfo,
  WhatIf,
} from '../../src/shared/protocol.ts';
import { append, button, clear, el, root } from '../shared/dom.ts';
import { connect } from '../shared/vscodeApi.ts';

const OWN_AUTHORIZER = '';
const MARKS: Record<TraceStatus, string> = { pass: '✓', fail: '✗', warn: '⚠', info: 'ℹ', skip: '–' };

const post = connect<SimulatorToHost, HostToSimulator>(onMessage);

let config: SimulatorConfigState = { configs: [], authorizers: [], routes: [], scanning: true };
let trust: TrustInfo = { trusted: true, note: undefined };

// The form is built once and kept, so typed values survive config updates.
const tokenInput = el('vscode-textarea', {
  attrs: {
    label: 'Token',
    rows: '4',
    resize: 'vertical',
    monospace: '',
    placeholder: 'Paste a JWT, "Bearer <jwt>", or an x-amzn-oidc-data header',
    'data-testid': 'token',
  },
});
const configSelect = el('vscode-single-select', {
  attrs: { label: 'Configuration file', 'data-testid': 'config' },
});
const routeSelect = el('vscode-single-select', { attrs: { label: 'Route', 'data-testid': 'route' } });
const authorizerSelect = el('vscode-single-select', {
  attrs: { label: 'Authorizer', 'data-testid': 'authorizer' },
});
const requestInput = el('vscode-textfield', {
  attrs: { label: 'Request: METHOD /path', placeholder: 'GET /orders/42', 'data-testid': 'request' },
});
const groupsInput = el('vscode-textfield', {
  attrs: { label: 'Add groups', placeholder: 'admin, support' },
});
const scopesInput = el('vscode-textfield', {
  attrs: { label: 'Add scopes', placeholder: 'orders/write' },
});
const claimsInput = el('vscode-textarea', {
  attrs: { label: 'Set claims', rows: '3', monospace: '', placeholder: 'custom:tenant=acme\ntoken_use=id' },
});

const trustBox = el('div');
const setupBox = el('div');
const resultBox = el('div', { attrs: { 'aria-live': 'polite', 'data-testid': 'result' } });
const statusLine = el('p', { className: 'muted', attrs: { role: 'status' } });

function field(label: string, control: HTMLElement, hint?: string): HTMLElement {
  const id = `f-${label.replace(/[^a-z]/gi, '').toLowerCase()}`;
  control.id = id;
  return el(
    'div',
    { className: 'field' },
    el('label', { attrs: { for: id }, text: label }),
    control,
    hint ? el('span', { className: 'muted', text: hint }) : null,
  );
}

function layout(): void {
  const app = root();
  clear(app);
  const whatIf = el(
    'vscode-collapsible',
    { attrs: { heading: 'What if… (edit groups, scopes, claims)' } },
    field('Add groups', groupsInput, 'Comma-separated; added to cognito:groups.'),
    field('Add scopes', scopesInput, 'Space- or comma-separated; added to scope.'),
    field(
      'Set claims',
      claimsInput,
      'One name=value per line; JSON values allowed. The signature check is skipped.',
    ),
  );
  append(
    app,
    trustBox,
    field('Token', tokenInput),
    setupBox,
    whatIf,
    el(
      'div',
      { className: 'row' },
      button('Simulate', simulate, { aria: 'Simulate the request' }),
      button('Inspect token', () => post({ type: 'inspect', token: tokenInput.value }), {
        secondary: true,
        aria: 'Open the token in the Token Inspector',
      }),
    ),
    statusLine,
    resultBox,
  );
  tokenInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) simulate();
  });
  requestInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') simulate();
  });
  configSelect.addEventListener('change', () => renderPickers());
  routeSelect.addEventListener('change', () => {
    const route = config.routes.find((r) => r.id === routeSelect.value);
    if (route) requestInput.value = requestFor(route);
  });
}

/** A concrete request for a route template: the template itself; the user edits parameters in place. */
function requestFor(route: RouteOption): string {
  if (route.method === '$default') return 'GET /';
  const method = route.method === 'ANY' ? 'GET' : route.method;
  return `${method} ${route.path.replace('{proxy+}', 'anything')}`;
}

function routeLabel(route: RouteOption): string {
  const auth =
    route.authorizer === null ? route.authorizerType : `${route.authorizer} (${route.authorizerType})`;
  const scopes = route.scopes.length > 0 ? ` [${route.scopes.join(' ')}]` : '';
  const api = route.api ? `${route.api}: ` : '';
  return `${api}${route.route} → ${auth}${scopes}`;
}

function option(value: string, label: string, selected: boolean): HTMLElement {
  const node = el('vscode-option', { text: label, attrs: { value } });
  if (selected) node.setAttribute('selected', '');
  return node;
}

function renderTrust(): void {
  clear(trustBox);
  if (trust.note !== undefined)
    append(trustBox, el('p', { className: 'note', attrs: { role: 'note' }, text: trust.note }));
}

function renderPickers(): void {
  clear(setupBox);
  const usable = config.configs.filter((c) => c.error === undefined);
  if (config.configs.length === 0) {
    clear(configSelect);
    configSelect.value = '';
    append(setupBox, emptyState());
    return;
  }
  const previousConfig = configSelect.value;
  const selectedConfig = usable.find((c) => c.id === previousConfig)?.id ?? usable[0]?.id ?? '';
  clear(configSelect);
  for (const entry of usable)
    append(configSelect, option(entry.id, entry.label, entry.id === selectedConfig));
  configSelect.value = selectedConfig;

  const routes = config.routes.filter((r) => r.configId === selectedConfig);
  const previousRoute = routeSelect.value;
  const selectedRoute = routes.find((r) => r.id === previousRoute)?.id ?? routes[0]?.id ?? '';
  clear(routeSelect);
  for (const route of routes)
    append(routeSelect, option(route.id, routeLabel(route), route.id === selectedRoute));
  routeSelect.value = selectedRoute;
  const route = routes.find((r) => r.id === selectedRoute);
  if (route && requestInput.value.trim() === '') requestInput.value = requestFor(route);

  const previousAuthorizer = authorizerSelect.value;
  const authorizers = config.authorizers.filter((a) => a.configId === selectedConfig);
  clear(authorizerSelect);
  append(
    authorizerSelect,
    option(OWN_AUTHORIZER, "The route's own authorizer", previousAuthorizer === OWN_AUTHORIZER),
  );
  for (const a of authorizers)
    append(authorizerSelect, option(a.name, `${a.name} (${a.type})`, a.name === previousAuthorizer));
  authorizerSelect.value = authorizers.some((a) => a.name === previousAuthorizer)
    ? previousAuthorizer
    : OWN_AUTHORIZER;

  append(setupBox, field('Configuration', configSelect));
  append(
    setupBox,
    field('Route', routeSelect),
    field('Request', requestInput, 'Free-form "METHOD /path"; picking a route fills it in.'),
    field('Authorizer', authorizerSelect),
  );
  const problems = config.configs.filter((c) => c.error !== undefined || c.warnings.length > 0);
  if (problems.length > 0) {
    append(
      setupBox,
      el(
        'vscode-collapsible',
        { attrs: { heading: `Configuration notes (${problems.length})` } },
        el(
          'ul',
          { className: 'warnings' },
          ...problems.flatMap((c) =>
            [c.error, ...c.warnings]
              .filter((m): m is string => m !== undefined)
              .map((m) => el('li', {}, el('span', { className: 'mono', text: `${c.label}: ` }), m)),
          ),
        ),
      ),
    );
  }
}

function emptyState(): HTMLElement {
  return el(
    'div',
    { className: 'empty', attrs: { 'data-testid': 'empty-state' } },
    el('h2', { text: config.scanning ? 'Looking for routes…' : 'No routes yet' }),
    el('p', {
      text: 'The simulator answers "what would AWS do with this token on this route?" It reads routes and authorizers from authdebug.yaml (or authdebug.json) and from SAM, CloudFormation and OpenAPI files in this workspace.',
    }),
    el(
      'ol',
      {},
      el('li', { text: 'Create a sample authdebug.yaml (or add your templates to the workspace).' }),
      el('li', { text: 'Paste a token above, or use "Simulate" in the Token Inspector.' }),
      el('li', { text: 'Pick a route and press Simulate.' }),
    ),
    button('Create Sample Config', () => post({ type: 'createSampleConfig' }), {
      aria: 'Create a sample authdebug.yaml in this workspace',
    }),
  );
}

function list(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function whatIfEdits(): WhatIf | undefined {
  const setClaims = claimsInput.value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const eq = line.indexOf('=');
      return eq <= 0
        ? { name: line, value: '' }
        : { name: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() };
    });
  const edits: WhatIf = { addGroups: list(groupsInput.value), addScopes: list(scopesInput.value), setClaims };
  return edits.addGroups.length + edits.addScopes.length + edits.setClaims.length > 0 ? edits : undefined;
}

function simulate(): void {
  const configId = configSelect.value;
  if (configId === '') {
    statusLine.textContent = 'Create or add a configuration first.';
    return;
  }
  const authorizer = authorizerSelect.value === OWN_AUTHORIZER ? undefined : authorizerSelect.value;
  post({
    type: 'simulate',
    request: {
      token: tokenInput.value,
      configId,
      request: requestInput.value,
      authorizer,
      whatIf: whatIfEdits(),
    },
  });
}

function authorizerLabel(authorizer: AuthorizerInfo): string {
  return `${authorizer.name ?? '(none)'} (${authorizer.type})`;
}

function matchedRouteLabel(route: MatchedRouteView): string {
  return `${route.route}${route.api ? ` in ${route.api}` : ''}`;
}

function renderResult(result: SimulationView): void {
  clear(resultBox);
  statusLine.textContent = `Simulated in ${result.elapsedMs} ms${result.networkAllowed ? '' : ' (keys from cache only)'}`;
  const card = el(
    'section',
    { className: `card ${result.decision}`, attrs: { 'aria-label': 'Decision' } },
    el('p', {
      className: `decision ${result.decision}`,
      attrs: { 'data-testid': 'decision' },
      text: `${result.decision === 'allow' ? 'ALLOW' : 'DENY'} · ${result.status}`,
    }),
    result.route ? el('p', { className: 'muted', text: `Route: ${matchedRouteLabel(result.route)}` }) : null,
    result.authorizer
      ? el('p', { className: 'muted', text: `Authorizer: ${authorizerLabel(result.authorizer)}` })
      : null,
    result.edited
      ? el('p', { className: 'note', text: 'Claims were edited (what-if): the signature check was skipped.' })
      : null,
    el('h3', { text: 'Response body' }),
    el('pre', {
      className: 'block',
      text: result.body === undefined || result.body === '' ? '(forwarded to the backend)' : result.body,
    }),
    result.headers.length > 0 ? el('h3', { text: 'Response headers' }) : null,
    result.headers.length > 0
      ? el(
          'table',
          { attrs: { 'aria-label': 'Response headers' } },
          el(
            'tbody',
            {},
            ...result.headers.map((h) =>
              el(
                'tr',
                {},
                el('th', { attrs: { scope: 'row' }, className: 'mono', text: h.name }),
                el('td', { className: 'mono', text: h.value }),
              ),
            ),
          ),
        )
      : null,
  );
  const trace = el(
    'section',
    { attrs: { 'aria-label': 'Trace' } },
    el('h3', { text: 'Trace' }),
    el(
      'ol',
      { className: 'trace' },
      ...result.trace.map((step) =>
        el(
          'li',
          { className: `step ${step.status}` },
          el('span', {
            className: `mark ${step.status}`,
            attrs: { 'aria-label': step.status },
            text: `${MARKS[step.status]} `,
          }),
          el('span', { className: 'step-name', text: `${step.step}: ` }),
          step.message,
        ),
      ),
    ),
  );
  const backend = el(
    'section',
    { attrs: { 'aria-label': 'Backend context' } },
    el('h3', { text: 'What the backend receives' }),
    el('pre', {
      className: 'block',
      text: result.backendContext ?? '(nothing: the request does not reach the backend)',
    }),
  );
  append(resultBox, card, trace, backend);
}

function onMessage(message: HostToSimulator): void {
  switch (message.type) {
    case 'config':
      config = message.state;
      trust = message.trust;
      renderTrust();
      renderPickers();
      break;
    case 'token':
      tokenInput.value = message.token;
      clear(resultBox);
      statusLine.textContent = 'Token received from the Token Inspector. Pick a route and press Simulate.';
      break;
    case 'busy':
      statusLine.textContent = 'Simulating…';
      break;
    case 'result':
      renderResult(message.result);
      break;
    case 'failed':
      clear(resultBox);
      statusLine.textContent = '';
      append(
        resultBox,
        el('p', { className: 'verdict invalid', attrs: { role: 'alert' }, text: message.message }),
      );
      break;
    default: {
      // A host message this view does not render fails to compile here.
      const _never: never = message;
      return _never;
    }
  }
}

layout();
renderPickers();
post({ type: 'ready' });
