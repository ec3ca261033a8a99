// Token Inspector webview: renders the host's InspectorState with DOM APIs only.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type {
  Check,
  ClaimInfo,
  HostToInspector,
  InspectorComparison,
  InspectorState,
  InspectorToHost,
  InspectorToken,
  TokenVerdictText,
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

const VERDICT_LABELS: Record<TokenVerdictText['status'], string> = {
  valid: 'Valid',
  invalid: 'Invalid',
  'not-verified': 'Not verified',
  'decoded-only': 'Decoded only',
};

/** Failed checks first, then warnings, then skipped ones; passed checks are folded below them. */
const CHECK_ORDER: Record<Check['status'], number> = { fail: 0, warn: 1, skip: 2, pass: 3 };

const post = connect<InspectorToHost, HostToInspector>(onMessage);
let status: HTMLElement | undefined;
let shownSerial = -1;
/** The host's latest comparison (the host re-posts it after a reload): drawn again after every render. */
let comparison: InspectorComparison | undefined;
/** Where each token section shows its comparison, by token index (rebuilt on every render). */
const comparisonSlots = new Map<number, HTMLElement>();

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
    case 'comparison':
      comparison = message.comparison;
      renderComparison();
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
  comparisonSlots.clear();
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
  renderComparison();
  window.scrollTo(0, scroll);
}

/** The verdict naming every failed check: the first thing each token section says. */
function verdictLine(verdict: TokenVerdictText): HTMLElement {
  return el(
    'p',
    {
      className: `verdict-line ${verdict.status}`,
      attrs: { 'data-testid': 'verdict-line', role: verdict.status === 'valid' ? 'status' : 'alert' },
    },
    el('strong', { text: `${VERDICT_LABELS[verdict.status]}: ` }),
    verdict.reasons.join('; '),
  );
}

/** "Compare with…": a paste box for a second token; the host decodes it and answers with the diff. */
function compareForm(index: number): HTMLElement {
  const input = el('vscode-textarea', {
    attrs: {
      label: 'The other token',
      placeholder: 'Paste a second JWT, "Bearer <jwt>" or a header line',
      rows: '3',
      'aria-label': 'The other token to compare with',
      'data-testid': 'compare-input',
    },
  }) as HTMLElement & { value: string };
  const run = (): void => {
    if (input.value.trim() !== '') post({ type: 'compare', index, text: input.value });
  };
  input.addEventListener('keydown', (event) => {
    if (event instanceof KeyboardEvent && event.key === 'Enter' && (event.ctrlKey || event.metaKey)) run();
  });
  return el(
    'div',
    { className: 'compare-form', attrs: { hidden: '' } },
    input,
    button('Compare', run, { aria: 'Compare the two tokens claim by claim' }),
  );
}

function renderComparison(): void {
  for (const [index, slot] of comparisonSlots) {
    clear(slot);
    if (comparison === undefined || comparison.index !== index) continue;
    append(slot, comparisonView(comparison));
  }
}

function comparisonView(result: InspectorComparison): HTMLElement {
  if (!result.ok)
    return el('p', { className: 'verdict invalid', attrs: { role: 'alert' }, text: result.message });
  const kinds =
    result.kinds.a === result.kinds.b
      ? `Both: ${kindLabel(result.kinds.a)}`
      : `This token: ${kindLabel(result.kinds.a)} · other: ${kindLabel(result.kinds.b)}`;
  const row = (claim: string, a: unknown, b: unknown, differs: boolean): HTMLElement =>
    el(
      'tr',
      { className: differs ? 'differs' : 'same', attrs: { 'data-claim': claim } },
      el('th', { attrs: { scope: 'row' }, className: 'mono', text: claim }),
      el('td', {
        className: 'mono value',
        attrs: { 'data-label': 'This token' },
        text: a === undefined ? '(absent)' : claimText(a),
      }),
      el('td', {
        className: 'mono value',
        attrs: { 'data-label': 'Other token' },
        text: b === undefined ? '(absent)' : claimText(b),
      }),
    );
  const head = el(
    'thead',
    {},
    el(
      'tr',
      {},
      el('th', { attrs: { scope: 'col' }, text: 'Claim' }),
      el('th', { attrs: { scope: 'col' }, text: 'This token' }),
      el('th', { attrs: { scope: 'col' }, text: 'Other token' }),
    ),
  );
  return el(
    'div',
    { className: 'comparison', attrs: { 'data-testid': 'comparison' } },
    el('h3', { text: `Compared with ${result.otherRedacted.slice(0, 40)}…` }),
    el('p', { className: 'muted', text: kinds }),
    result.differences.length === 0
      ? el('p', { text: 'No claim differs.' })
      : el(
          'table',
          { className: 'diff', attrs: { 'aria-label': 'Claims that differ', 'data-testid': 'differences' } },
          head,
          el('tbody', {}, ...result.differences.map((d) => row(d.claim, d.a, d.b, true))),
        ),
    result.same.length === 0
      ? null
      : el(
          'details',
          { className: 'same-claims' },
          el('summary', { text: `Same in both (${result.same.length})` }),
          el(
            'table',
            { className: 'diff', attrs: { 'aria-label': 'Claims that are the same' } },
            el('tbody', {}, ...result.same.map((s) => row(s.claim, s.value, s.value, false))),
          ),
        ),
  );
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
    verdictLine(token.verdict),
    el(
      'div',
      { className: 'summary' },
      el('vscode-badge', {
        text: kindLabel(token.kind),
        attrs: { 'aria-label': `Kind: ${kindLabel(token.kind)}` },
      }),
      el('span', {
        className: `verdict ${token.valid ? 'valid' : token.verdict.status === 'invalid' ? 'invalid' : 'unverified'}`,
        attrs: { 'data-testid': 'verdict' },
        text: token.valid
          ? '✓ Valid'
          : token.verdict.status === 'invalid'
            ? '✗ Invalid'
            : `? ${VERDICT_LABELS[token.verdict.status]}`,
      }),
      countdown,
      el(
        'span',
        { className: 'actions' },
        token.simulatable
          ? button(
              state.request === undefined ? 'Simulate' : `Simulate ${state.request}`,
              () => post({ type: 'simulate', index }),
              {
                aria: `Simulate ${title}${state.request === undefined ? '' : ` on ${state.request}`} in the Authorizer Simulator`,
              },
            )
          : null,
        token.kind === 'invalid'
          ? null
          : button('Compare with…', () => toggleCompare(section), {
              secondary: true,
              aria: 'Compare this token with another one, claim by claim',
            }),
        button('Copy redacted', () => post({ type: 'copy', text: token.redacted }), {
          secondary: true,
          aria: 'Copy the token with its signature redacted',
        }),
      ),
    ),
  );
  if (token.kind !== 'invalid') {
    const slot = el('div', { className: 'comparison-slot' });
    comparisonSlots.set(index, slot);
    append(section, compareForm(index), slot);
  }
  if (token.lifetimeSeconds !== undefined) {
    append(
      section,
      el('p', { className: 'muted', text: `Lifetime: ${formatDuration(token.lifetimeSeconds)}` }),
    );
  }
  append(section, ...checksView(token.checks));
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

function toggleCompare(section: HTMLElement): void {
  const form = section.querySelector<HTMLElement>('.compare-form');
  if (!form) return;
  form.hidden = !form.hidden;
  if (!form.hidden) form.querySelector<HTMLElement>('vscode-textarea')?.focus();
}

/** Failed, warned and skipped checks first; passed ones folded in a details element. */
function checksView(checks: Check[]): HTMLElement[] {
  const ranked = checks
    .map((check, at) => ({ check, at }))
    .sort((x, y) => CHECK_ORDER[x.check.status] - CHECK_ORDER[y.check.status] || x.at - y.at)
    .map(({ check }) => check);
  const open = ranked.filter((c) => c.status !== 'pass');
  const passed = ranked.filter((c) => c.status === 'pass');
  const out: HTMLElement[] = [el('h3', { text: 'Checks' })];
  if (open.length > 0) out.push(checksTable(open));
  if (passed.length > 0) {
    out.push(
      el(
        'details',
        { className: 'passed-checks', attrs: { 'data-testid': 'passed-checks' } },
        el('summary', { text: `Passed checks (${passed.length})` }),
        checksTable(passed),
      ),
    );
  }
  return out;
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
