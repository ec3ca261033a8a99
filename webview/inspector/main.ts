// Token Inspector webview: renders the host's InspectorState with DOM APIs only.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import type {
  Check,
  ClaimInfo,
  HostToInspector,
  InspectorState,
  InspectorToHost,
  InspectorToken,
  TrustInfo,
} from '../../src/shared/protocol.ts';
import { claimText, kindLabel } from '../../src/shared/display.ts';
import { append, button, clear, el, root, setText } from '../shared/dom.ts';
import { expiryText, keepRelative, localTime, utcTime } from '../shared/time.ts';
import { connect } from '../shared/vscodeApi.ts';

const MARKS: Record<Check['status'], { mark: string; label: string }> = {
  pass: { mark: '✓', label: 'passed' },
  fail: { mark: '✗', label: 'failed' },
  warn: { mark: '⚠', label: 'warning' },
  skip: { mark: '–', label: 'skipped' },
};

const post = connect<InspectorToHost, HostToInspector>(onMessage);
let status: HTMLElement | undefined;
let shownSerial = -1;

function onMessage(message: HostToInspector): void {
  switch (message.type) {
    case 'render':
      render(message.state);
      break;
    case 'busy':
      setStatus(message.message);
      break;
    case 'failed':
      renderFailure(message.message, message.trust);
      break;
    case 'notice':
      setStatus(message.message);
      break;
    default: {
      // A host message this view does not render fails to compile here.
      const _never: never = message;
      return _never;
    }
  }
}

function setStatus(text: string): void {
  if (status) setText(status, text);
}

function toolbar(state: InspectorState | undefined): HTMLElement {
  status = el('span', { className: 'status', attrs: { role: 'status', 'aria-live': 'polite' } });
  const subtitle = state
    ? `From ${state.source} · checked ${new Date(state.verifiedAt).toLocaleTimeString()}${
        state.networkAllowed ? '' : ' · keys from cache only'
      }`
    : '';
  return el(
    'header',
    { className: 'toolbar' },
    el('div', {}, el('h1', { text: 'Token Inspector' }), el('p', { className: 'muted', text: subtitle })),
    el(
      'div',
      { className: 'actions' },
      button('Verify again', () => post({ type: 'verifyAgain' }), { aria: 'Verify the token again' }),
      button('Reload keys', () => post({ type: 'reloadKeys' }), {
        secondary: true,
        aria: 'Reload the verification keys and verify again',
      }),
      status,
    ),
  );
}

function trustNote(trust: TrustInfo): HTMLElement | null {
  return trust.note === undefined
    ? null
    : el('p', { className: 'note', attrs: { role: 'note' }, text: trust.note });
}

function renderFailure(message: string, trust: TrustInfo): void {
  const app = root();
  clear(app);
  append(
    app,
    toolbar(undefined),
    trustNote(trust),
    el('p', { className: 'verdict invalid', attrs: { role: 'alert' } }, '✗ ', message),
  );
}

function render(state: InspectorState): void {
  const app = root();
  const scroll = state.inputSerial === shownSerial ? window.scrollY : 0;
  shownSerial = state.inputSerial;
  clear(app);
  append(app, toolbar(state), trustNote(state.trust));
  if (state.headerBlock) {
    append(
      app,
      el('p', {
        className: `verdict ${state.valid ? 'valid' : 'invalid'}`,
        text: `${state.valid ? '✓ Every header verified' : '✗ At least one header failed'} (${state.tokens.length} headers)`,
      }),
    );
  }
  state.tokens.forEach((token, index) => append(app, tokenSection(token, index, state)));
  window.scrollTo(0, scroll);
}

function tokenSection(token: InspectorToken, index: number, state: InspectorState): HTMLElement {
  const headingId = `token-${index}`;
  const title = token.httpHeader ?? 'Token';
  const exp =
    token.claims.find((c) => c.location === 'payload' && c.name === 'exp')?.time ??
    token.claims.find((c) => c.location === 'header' && c.name === 'exp')?.time;
  const countdown = el('span', { className: 'countdown', attrs: { 'aria-label': 'Expiry' } });
  if (exp) keepRelative(countdown, exp.epoch, expiryText);
  const section = el(
    'section',
    { className: 'token', attrs: { 'aria-labelledby': headingId } },
    el('h2', { attrs: { id: headingId }, text: state.headerBlock || token.httpHeader ? title : 'Token' }),
    el(
      'div',
      { className: 'summary' },
      el('vscode-badge', {
        text: kindLabel(token.kind),
        attrs: { 'aria-label': `Kind: ${kindLabel(token.kind)}` },
      }),
      el('span', {
        className: `verdict ${token.valid ? 'valid' : 'invalid'}`,
        attrs: { 'data-testid': 'verdict' },
        text: token.valid ? '✓ Valid' : '✗ Invalid',
      }),
      countdown,
      el(
        'span',
        { className: 'actions' },
        token.simulatable
          ? button('Simulate', () => post({ type: 'simulate', index }), {
              aria: `Simulate ${title} in the Authorizer Simulator`,
            })
          : null,
        button('Copy redacted', () => post({ type: 'copy', text: token.redacted }), {
          secondary: true,
          aria: 'Copy the token with its signature redacted',
        }),
      ),
    ),
  );
  if (token.lifetimeSeconds !== undefined) {
    append(
      section,
      el('p', { className: 'muted', text: `Lifetime: ${formatDuration(token.lifetimeSeconds)}` }),
    );
  }
  append(section, el('h3', { text: 'Checks' }), checksTable(token.checks));
  if (token.warnings.length > 0) {
    append(
      section,
      el('h3', { text: `Warnings (${token.warnings.length})` }),
      el(
        'ul',
        { className: 'warnings' },
        ...token.warnings.map((w) =>
          el(
            'li',
            {},
            el('span', { className: 'mark warn', attrs: { 'aria-hidden': 'true' }, text: '⚠ ' }),
            w.message,
          ),
        ),
      ),
    );
  }
  const headerClaims = token.claims.filter((c) => c.location === 'header');
  const payloadClaims = token.claims.filter((c) => c.location === 'payload');
  if (headerClaims.length > 0)
    append(section, el('h3', { text: 'Header' }), claimsTable(headerClaims, 'Header'));
  if (payloadClaims.length > 0)
    append(section, el('h3', { text: 'Payload' }), claimsTable(payloadClaims, 'Payload'));
  append(section, rawJson(token));
  return section;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unbounded';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round(seconds % 60);
  return [h > 0 ? `${h} h` : '', m > 0 ? `${m} min` : '', s > 0 || (h === 0 && m === 0) ? `${s} s` : '']
    .filter(Boolean)
    .join(' ');
}

function checksTable(checks: Check[]): HTMLElement {
  return el(
    'table',
    { className: 'checks', attrs: { 'aria-label': 'Verification checks' } },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { attrs: { scope: 'col', 'aria-label': 'Status' } }),
        el('th', { attrs: { scope: 'col' }, text: 'Check' }),
        el('th', { attrs: { scope: 'col' }, text: 'Result' }),
      ),
    ),
    el(
      'tbody',
      {},
      ...checks.map((check) => {
        const mark = MARKS[check.status];
        const compared =
          check.actual !== undefined || check.expected !== undefined
            ? el(
                'dl',
                { className: 'compare' },
                check.actual !== undefined ? el('dt', { text: 'Actual' }) : null,
                check.actual !== undefined ? el('dd', { className: 'mono', text: check.actual }) : null,
                check.expected !== undefined ? el('dt', { text: 'Expected' }) : null,
                check.expected !== undefined ? el('dd', { className: 'mono', text: check.expected }) : null,
              )
            : null;
        return el(
          'tr',
          { className: `check ${check.status}`, attrs: { 'data-check': check.id } },
          el('td', {
            className: `mark ${check.status}`,
            attrs: { 'aria-label': mark.label, title: mark.label },
            text: mark.mark,
          }),
          el('th', { attrs: { scope: 'row' }, className: 'mono', text: check.id }),
          el('td', {}, el('span', { text: check.message }), compared),
        );
      }),
    ),
  );
}

function claimsTable(claims: ClaimInfo[], label: string): HTMLElement {
  return el(
    'table',
    { className: 'claims', attrs: { 'aria-label': `${label} claims` } },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        el('th', { attrs: { scope: 'col' }, text: 'Claim' }),
        el('th', { attrs: { scope: 'col' }, text: 'Value' }),
        el('th', { attrs: { scope: 'col' }, text: 'Meaning' }),
        el('th', { attrs: { scope: 'col', 'aria-label': 'Copy' } }),
      ),
    ),
    el('tbody', {}, ...claims.map(claimRow)),
  );
}

function claimRow(claim: ClaimInfo): HTMLElement {
  const text = claimText(claim.value);
  const value = el('td', { className: 'value' }, el('span', { className: 'mono', text }));
  if (claim.time) {
    const relative = el('span', { className: 'relative' });
    keepRelative(relative, claim.time.epoch);
    append(
      value,
      el(
        'dl',
        { className: 'times' },
        el('dt', { text: 'Local' }),
        el('dd', { text: localTime(claim.time.epoch) }),
        el('dt', { text: 'UTC' }),
        el('dd', { text: utcTime(claim.time.epoch) }),
        el('dt', { text: 'Relative' }),
        el('dd', {}, relative),
      ),
    );
  }
  return el(
    'tr',
    { attrs: { 'data-claim': claim.name } },
    el('th', { attrs: { scope: 'row' }, className: 'mono', text: claim.name }),
    value,
    el('td', { className: 'meaning', text: claim.meaning ?? '' }),
    el(
      'td',
      {},
      button('Copy', () => post({ type: 'copy', text }), {
        secondary: true,
        aria: `Copy the value of ${claim.name}`,
      }),
    ),
  );
}

function rawJson(token: InspectorToken): HTMLElement {
  return el(
    'vscode-collapsible',
    { attrs: { heading: 'Raw JSON' } },
    el('h4', { text: 'Header' }),
    el('pre', { className: 'raw', text: token.rawHeader ?? '(not decodable)' }),
    el('h4', { text: 'Payload' }),
    el('pre', { className: 'raw', text: token.rawPayload ?? '(not decodable)' }),
  );
}

post({ type: 'ready' });
