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
  SimulationHistoryItem,
  SimulationView,
  SimulatorConfigState,
  SimulatorForm,
  SimulatorToHost,
  TraceStatus,
  TrustInfo,
  WhatIf,
} from '../../src/shared/protocol.ts';
import { append, button, clear, el, root, setText } from '../shared/dom.ts';
import { connect } from '../shared/vscodeApi.ts';

const OWN_AUTHORIZER = '';
const MARKS: Record<TraceStatus, string> = { pass: '✓', fail: '✗', warn: '⚠', info: 'ℹ', skip: '–' };

const post = connect<SimulatorToHost, HostToSimulator>(onMessage);

let config: SimulatorConfigState = { configs: [], authorizers: [], routes: [], scanning: true };
let trust: TrustInfo = { trusted: true, note: undefined };
/** Picker choices restored from the host, applied once the pickers have options to choose from. */
let wanted: Pick<SimulatorForm, 'configId' | 'routeId' | 'authorizer'> | undefined;
/** The route whose template last filled the request line: a new route (or configuration) fills it again. */
let filledForRoute: string | undefined;
let history: SimulationHistoryItem[] = [];
const FORM_REPORT_MS = 200;
let formTimer: ReturnType<typeof setTimeout> | undefined;

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
const historyBox = el('div', { attrs: { 'data-testid': 'history' } });
const requestHint = el('span', { className: 'muted', attrs: { id: 'request-hint', 'aria-live': 'polite' } });
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
      'One name=value per line (Shift+Enter for a new line); JSON values allowed. The signature check is skipped.',
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
    historyBox,
    statusLine,
    resultBox,
  );
  tokenInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) simulate();
  });
  // Enter runs the simulation from the request line and every what-if field (Shift+Enter: a new claims line).
  for (const input of [requestInput, groupsInput, scopesInput]) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.isComposing) {
        event.preventDefault();
        simulate();
      }
    });
  }
  claimsInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      simulate();
    }
  });
  configSelect.addEventListener('change', () => {
    renderPickers();
    reportForm();
  });
  routeSelect.addEventListener('change', () => {
    const route = config.routes.find((r) => r.id === routeSelect.value);
    if (route) fillRequest(route);
    reportForm();
  });
  authorizerSelect.addEventListener('change', () => reportForm());
  for (const input of [tokenInput, requestInput, groupsInput, scopesInput, claimsInput]) {
    input.addEventListener('input', () => reportForm());
  }
  requestInput.addEventListener('input', () => validateRequest(false));
}

/** The form as it is now; the host keeps it in memory so hiding the view loses nothing. */
function currentForm(): SimulatorForm {
  return {
    token: tokenInput.value,
    configId: configSelect.value,
    routeId: routeSelect.value,
    request: requestInput.value,
    authorizer: authorizerSelect.value,
    addGroups: groupsInput.value,
    addScopes: scopesInput.value,
    setClaims: claimsInput.value,
  };
}

/** Tell the host the form changed, shortly after typing stops (a hidden view is destroyed without warning). */
function reportForm(now = false): void {
  if (formTimer !== undefined) clearTimeout(formTimer);
  formTimer = undefined;
  if (now) {
    post({ type: 'form', form: currentForm() });
    return;
  }
  formTimer = setTimeout(() => {
    formTimer = undefined;
    post({ type: 'form', form: currentForm() });
  }, FORM_REPORT_MS);
}

/** A route that matches many paths: a wildcard (ALB `/app/*`), a greedy `{proxy+}`, or `$default`. */
function isWildcard(route: RouteOption): boolean {
  return route.method === '$default' || PATTERN.test(route.path);
}

/** The path before the first wildcard: `/app/*` -> `/app/`, `/files/{proxy+}` -> `/files/`. */
function wildcardPrefix(path: string): string {
  const at = path.search(PATTERN);
  return at < 0 ? path : path.slice(0, at);
}

function methodFor(route: RouteOption): string {
  return route.method === 'ANY' || route.method === '$default' ? 'GET' : route.method;
}

/**
 * Fill the request line from a route: the template itself for a concrete route (the user edits {id} in place);
 * for a wildcard route only the method and the fixed prefix, with a placeholder asking for a concrete path.
 */
function fillRequest(route: RouteOption): void {
  filledForRoute = route.id;
  const method = methodFor(route);
  if (isWildcard(route)) {
    // Left empty: the placeholder and the hint ask for a real path; `GET /app/*` is no request AWS receives.
    requestInput.value = '';
    requestInput.setAttribute('placeholder', exampleRequest(route));
  } else {
    requestInput.value = `${method} ${route.path}`;
    requestInput.setAttribute('placeholder', 'GET /orders/42');
  }
  validateRequest(false);
}

/** A concrete request that a route would match, for placeholders and messages. */
function exampleRequest(route: RouteOption | undefined): string {
  if (!route) return 'GET /orders/42';
  if (!isWildcard(route)) return `${methodFor(route)} ${route.path}`;
  const prefix = route.method === '$default' ? '/' : wildcardPrefix(route.path);
  return `${methodFor(route)} ${prefix.endsWith('/') ? prefix : `${prefix}/`}index.html`;
}

const PATTERN = /\*|\{[^}]*\+\}/;

/** Why the request line cannot be simulated as typed, or undefined when it can. */
function requestProblem(): string | undefined {
  const text = requestInput.value.trim();
  const route = config.routes.find((r) => r.id === routeSelect.value);
  const example = exampleRequest(route);
  if (PATTERN.test(text))
    return `Type a concrete path, e.g. ${example}: AWS matches a real request, never the route's pattern.`;
  if (text === '')
    return route && isWildcard(route)
      ? `This route matches many paths (${route.route}): type one, e.g. ${example}.`
      : `Type a request line, e.g. ${example}.`;
  return undefined;
}

/** Show the request hint; `strict` (on Simulate) marks the field invalid for an empty line too. */
function validateRequest(strict = true): boolean {
  const problem = requestProblem();
  const shownAsError = problem !== undefined && (strict || PATTERN.test(requestInput.value));
  (requestInput as HTMLElement & { invalid: boolean }).invalid = shownAsError;
  setText(requestHint, problem ?? 'Free-form "METHOD /path"; picking a route fills it in.');
  requestHint.className = shownAsError ? 'field-error' : 'muted';
  return problem === undefined;
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
  // Restored choices apply once, to the first pickers that have options.
  const restored = wanted;
  wanted = undefined;
  const previousConfig = restored?.configId ?? configSelect.value;
  const selectedConfig = usable.find((c) => c.id === previousConfig)?.id ?? usable[0]?.id ?? '';
  clear(configSelect);
  for (const entry of usable)
    append(configSelect, option(entry.id, entry.label, entry.id === selectedConfig));
  configSelect.value = selectedConfig;

  const routes = config.routes.filter((r) => r.configId === selectedConfig);
  const previousRoute = restored?.routeId ?? routeSelect.value;
  const selectedRoute = routes.find((r) => r.id === previousRoute)?.id ?? routes[0]?.id ?? '';
  clear(routeSelect);
  for (const route of routes)
    append(routeSelect, option(route.id, routeLabel(route), route.id === selectedRoute));
  routeSelect.value = selectedRoute;
  const route = routes.find((r) => r.id === selectedRoute);
  // In step: another configuration (so another route) fills the request line again; a rescan of the same
  // file that keeps the route keeps what the user typed.
  if (restored !== undefined) filledForRoute = selectedRoute;
  if (route && (requestInput.value.trim() === '' || filledForRoute !== route.id)) fillRequest(route);

  const previousAuthorizer = restored?.authorizer ?? authorizerSelect.value;
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
  requestInput.setAttribute('aria-describedby', 'request-hint');
  append(
    setupBox,
    field('Route', routeSelect),
    el(
      'div',
      { className: 'field' },
      el('label', { attrs: { for: 'f-request' }, text: 'Request' }),
      requestInput,
      requestHint,
    ),
    field('Authorizer', authorizerSelect),
  );
  requestInput.id = 'f-request';
  validateRequest(false);
  // Notes of the chosen file only, counted as listed; files that could not be read are named apart (they
  // cannot be chosen, so their errors would otherwise never show).
  const chosen = usable.find((c) => c.id === selectedConfig);
  const notes = chosen?.warnings ?? [];
  if (chosen && notes.length > 0) {
    append(
      setupBox,
      el(
        'vscode-collapsible',
        { attrs: { heading: `Configuration notes (${notes.length})`, 'data-testid': 'config-notes' } },
        el(
          'ul',
          { className: 'warnings' },
          ...notes.map((m) => el('li', {}, el('span', { className: 'mono', text: `${chosen.label}: ` }), m)),
        ),
      ),
    );
  }
  const unreadable = config.configs.filter((c) => c.error !== undefined);
  if (unreadable.length > 0) {
    append(
      setupBox,
      el(
        'vscode-collapsible',
        { attrs: { heading: `Files that could not be read (${unreadable.length})` } },
        el(
          'ul',
          { className: 'warnings' },
          ...unreadable.map((c) =>
            el('li', {}, el('span', { className: 'mono', text: `${c.label}: ` }), c.error ?? ''),
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
  if (!validateRequest()) {
    statusLine.textContent = requestProblem() ?? '';
    requestInput.focus();
    return;
  }
  reportForm(true);
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

const TRACE_HEADING_ID = 'trace-heading';

/** Move focus to the trace (a long list below the card): the "Show trace" button's keyboard path. */
function showTrace(): void {
  const heading = document.getElementById(TRACE_HEADING_ID);
  if (!heading) return;
  heading.scrollIntoView({ block: 'start' });
  heading.focus();
}

function renderResult(result: SimulationView): void {
  clear(resultBox);
  statusLine.textContent = `Simulated in ${result.elapsedMs} ms${result.networkAllowed ? '' : ' (keys from cache only)'}`;
  const verdict = `${result.decision === 'allow' ? 'ALLOW' : 'DENY'} · ${result.status}`;
  // Contract C4: the verdict, then the deciding step in one sentence, then what would make it pass.
  const card = el(
    'section',
    {
      className: `card ${result.decision}`,
      attrs: { 'aria-label': `Decision: ${verdict}`, 'data-testid': 'decision' },
    },
    el('p', {
      className: `decision ${result.decision}`,
      attrs: { 'data-testid': 'decision-verdict' },
      text: verdict,
    }),
    el('p', {
      className: 'decision-reason',
      attrs: { 'data-testid': 'decision-reason' },
      text: result.reason,
    }),
    result.decision === 'deny' && result.fix !== undefined
      ? el(
          'p',
          { className: 'decision-fix', attrs: { 'data-testid': 'decision-fix' } },
          el('strong', { text: 'To pass: ' }),
          result.fix,
        )
      : null,
    result.edited
      ? el('p', { className: 'note', text: 'Claims were edited (what-if): the signature check was skipped.' })
      : null,
    el(
      'div',
      { className: 'row' },
      button('Show trace', showTrace, {
        secondary: true,
        aria: `Show the trace (${result.trace.length} steps)`,
      }),
      result.backendContext !== undefined
        ? button(result.fullEvent ? 'Copy event' : 'Copy context', () => post({ type: 'copyEvent' }), {
            secondary: true,
            aria: result.fullEvent
              ? 'Copy the full event the backend receives'
              : 'Copy what the authorizer passes to the backend',
          })
        : null,
    ),
    result.route ? el('p', { className: 'muted', text: `Route: ${matchedRouteLabel(result.route)}` }) : null,
    result.authorizer
      ? el('p', { className: 'muted', text: `Authorizer: ${authorizerLabel(result.authorizer)}` })
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
    { attrs: { 'aria-labelledby': TRACE_HEADING_ID, 'data-testid': 'trace' } },
    // Focusable by script (Show trace) without adding a Tab stop; the list itself is one Tab stop so a long
    // trace scrolls with the keyboard.
    el('h3', {
      attrs: { id: TRACE_HEADING_ID, tabindex: '-1' },
      text: `Trace (${result.trace.length} steps)`,
    }),
    el(
      'ol',
      { className: 'trace', attrs: { tabindex: '0', 'aria-label': 'Trace steps' } },
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
    el('h3', { text: 'What the authorizer passes to the backend' }),
    el('pre', {
      className: 'block',
      text: result.backendContext ?? '(nothing: the request does not reach the backend)',
    }),
    result.backendContext !== undefined && !result.fullEvent
      ? el('p', {
          className: 'muted',
          text: 'Copy copies this fragment: the full backend event is not available in this build.',
        })
      : null,
  );
  append(resultBox, card, trace, backend);
}

function timeOf(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`;
}

/** The last simulations (memory only, in the host): picking one restores its form and result. */
function renderHistory(): void {
  clear(historyBox);
  if (history.length === 0) return;
  append(
    historyBox,
    el(
      'vscode-collapsible',
      { attrs: { heading: `Recent simulations (${history.length})` } },
      el(
        'ul',
        { className: 'history' },
        ...history.map((item) =>
          el(
            'li',
            {},
            el(
              'button',
              {
                className: 'history-item',
                attrs: {
                  type: 'button',
                  title: item.tokenRedacted,
                  'aria-label': `Restore ${item.decision === 'allow' ? 'ALLOW' : 'DENY'} ${item.status}, ${item.request}, at ${timeOf(item.at)}`,
                },
                on: { click: () => post({ type: 'pickHistory', id: item.id }) },
              },
              el('span', {
                className: `decision ${item.decision}`,
                text: `${item.decision === 'allow' ? 'ALLOW' : 'DENY'} · ${item.status}`,
              }),
              ` ${item.request} `,
              el('span', { className: 'muted', text: timeOf(item.at) }),
              el('span', { className: 'mono history-token', text: item.tokenRedacted }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** Put back what the user left (the view was hidden, or a history entry was picked). */
function restoreForm(form: SimulatorForm, result: SimulationView | undefined): void {
  tokenInput.value = form.token;
  requestInput.value = form.request;
  groupsInput.value = form.addGroups;
  scopesInput.value = form.addScopes;
  claimsInput.value = form.setClaims;
  wanted = { configId: form.configId, routeId: form.routeId, authorizer: form.authorizer };
  // Before the first config message the pickers are empty: the choices wait in `wanted`.
  if (config.configs.length > 0) renderPickers();
  if (result) renderResult(result);
  else {
    clear(resultBox);
    statusLine.textContent = '';
  }
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
      if (message.request !== undefined) {
        requestInput.value = message.request;
        filledForRoute = routeSelect.value;
        validateRequest(false);
      }
      clear(resultBox);
      statusLine.textContent = 'Token received from the Token Inspector. Pick a route and press Simulate.';
      reportForm(true);
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
    case 'restore':
      restoreForm(message.form, message.result);
      break;
    case 'history':
      history = message.items;
      renderHistory();
      break;
    case 'notice':
      statusLine.textContent = message.message;
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
