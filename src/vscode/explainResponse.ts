// "Auth Debugger: Explain an HTTP Response": the selected (or copied) 401/403/500 with its headers, explained
// by the core (`core/explain/response.ts`) in a read-only Markdown preview; with a workspace configuration and
// the pasted request's token, the request is simulated and the preview says whether that reproduces it.
import * as vscode from 'vscode';
import type { ExplainContext, ResponseExplanation } from '../core/explain/response.ts';
import type { SimConfig } from '../core/config/model.ts';
import type { KeyService } from './keyService.ts';
import { keyAccess } from './keyAccess.ts';
import { simulatorCore } from './lazyCore.ts';
import type { Log } from './log.ts';
import { readSettings } from './settings.ts';
import { nowSeconds } from './verification.ts';

export const EXPLAIN_COMMAND = 'authDebugger.explainResponse';
const SCHEME = 'authdebugger-explain';
const MAX_TEXT = 1024 * 1024;

export interface ExplainDeps {
  keys: KeyService;
  log: Log;
  configs(): readonly SimConfig[];
}

/** Markdown text: never raw HTML from the paste (the preview renders Markdown, so everything is escaped). */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

export function explanationMarkdown(explanations: readonly ResponseExplanation[]): string {
  const lines: string[] = ['# Why this response?', ''];
  for (const explanation of explanations) {
    const { response } = explanation;
    const first = explanation.matches[0];
    lines.push(`## ${response.status}${explanations.length > 1 ? ` · ${md(explanation.origin)}` : ''}`, '');
    if (explanation.reproduction?.reproduced && explanation.simulatedReason)
      lines.push(
        `**${md(explanation.simulatedReason)}**`,
        '',
        '_The simulation of this request answers the same._',
        '',
      );
    else if (first) lines.push(`**${md(first.cause.producedBy)}**`, '');
    else lines.push(`**Not explained:** ${md(explanation.unmatched ?? '')}`, '');
    if (explanation.reproduction && !explanation.reproduction.reproduced)
      lines.push(
        `_Not reproduced by the simulation:_ ${md(explanation.reproduction.differences.join('; '))}`,
        '',
      );
    if (explanation.request)
      lines.push(
        `Request: \`${explanation.request.method} ${explanation.request.path.slice(0, 200).replace(/`/g, "'")}\``,
        '',
      );
    if (explanation.responder !== 'unknown')
      lines.push(
        `Answered by: ${explanation.responder === 'alb' ? 'an ALB' : explanation.responder === 'rest' ? 'a REST API' : 'an HTTP API'}`,
        '',
      );
    explanation.matches.forEach((match, index) => {
      const tags = [
        match.quality === 'exact' ? 'exact match' : `partial: no ${match.missing.join(', ')} header`,
        match.cause.source.kind === 'observed' ? 'observed behaviour' : 'documented',
      ];
      if (match.supportedBy === 'simulation') tags.push('the simulation decided here');
      else if (match.supportedBy === 'route') tags.push("fits the route's authorizer");
      lines.push(`${index + 1}. ${md(match.cause.producedBy)} _(${tags.join('; ')})_`);
      for (const item of match.cause.check) lines.push(`   - ${md(item)}`);
    });
    lines.push('');
  }
  return lines.join('\n');
}

/** Registers the command and the read-only document it previews. */
export function registerExplainResponse(deps: ExplainDeps): vscode.Disposable[] {
  let content = '';
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const provider: vscode.TextDocumentContentProvider = {
    onDidChange: changed.event,
    provideTextDocumentContent: () => content,
  };
  const uri = vscode.Uri.from({ scheme: SCHEME, path: '/Why this response.md' });
  const run = async (): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection) : '';
    const text = (selected !== '' ? selected : await vscode.env.clipboard.readText()).slice(0, MAX_TEXT + 1);
    // The explainer and the simulator live in the lazily loaded core bundle.
    const { explainExchange, parseExchange, requestToken, simulate } = await simulatorCore();
    const parsed = parseExchange(text);
    if (!parsed.ok) {
      void vscode.window.showInformationMessage(
        `Auth Debugger: select the response (curl -i or curl -v output, or a HAR entry) or copy it, then run Explain again. ${parsed.message}`,
      );
      return;
    }
    const configs = deps.configs();
    let config: SimConfig | undefined;
    if (configs.length > 0 && parsed.exchanges.some((e) => e.request)) {
      const items = [
        { label: 'Explain only', config: undefined as SimConfig | undefined },
        ...configs.map((c) => ({
          label: vscode.workspace.asRelativePath(c.file),
          description: 'simulate the pasted request here',
          config: c,
        })),
      ];
      const picked = await vscode.window.showQuickPick(items, {
        title: 'Simulate the pasted request with which configuration?',
      });
      if (!picked) return;
      config = picked.config;
    }
    const explanations: ResponseExplanation[] = [];
    for (const exchange of parsed.exchanges) {
      const context: ExplainContext = {};
      if (config && exchange.request) {
        const token = requestToken(exchange.request);
        const request: Parameters<typeof simulate>[0] = {
          config,
          route: `${exchange.request.method} ${exchange.request.path}`,
        };
        if (token) request.token = token;
        try {
          const result = await simulate(
            request,
            { now: nowSeconds(), keyUrls: { byIssuer: readSettings().jwksUrls } },
            { keys: deps.keys.providerFor(keyAccess('verify', vscode.workspace.isTrusted)) },
          );
          if (result.route)
            context.route = result.authorizer
              ? { apiKind: result.route.apiKind, authorizerType: result.authorizer.type }
              : { apiKind: result.route.apiKind };
          if (token) {
            context.simulation = result;
            deps.log.info(`Explain: simulated ${request.route}: ${result.decision} ${result.status}`);
          }
        } catch (error) {
          deps.log.error('Explain: the simulation failed', error);
        }
      }
      explanations.push(explainExchange(exchange, context));
    }
    content = explanationMarkdown(explanations);
    changed.fire(uri);
    await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
  };
  return [
    changed,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, provider),
    vscode.commands.registerCommand(EXPLAIN_COMMAND, run),
  ];
}
