// "Auth Debugger: Sign In...": pick a pool and app client the workspace names (or type them), sign a test user
// in, and open the fresh token in the Inspector. Tokens stay in this object's memory; a refresh token goes to
// SecretStorage only when the user asks. Passwords are asked with a masked input and never kept.
import * as vscode from 'vscode';
import type { SimConfig } from '../core/config/model.ts';
import { parseUserPoolId } from '../core/awsIdentifiers.ts';
import { redactToken } from '../core/redact.ts';
import type {
  AppClient,
  AuthenticationResult,
  SignInDeps as SignInCallDeps,
  SignInFlow,
  SignInOutcome,
} from '../core/signIn/signIn.ts';
import type { SignInTarget } from '../core/signIn/targets.ts';
import { simulatorCore } from './lazyCore.ts';
import type { Log } from './log.ts';

export const SIGN_IN_COMMAND = 'authDebugger.signIn';
export const REFRESH_COMMAND = 'authDebugger.refreshTokens';

const REFRESH_PREFIX = 'authDebugger.refresh:';

export interface SignInDeps {
  log: Log;
  secrets: vscode.SecretStorage;
  /** The configurations the workspace index has loaded. */
  configs(): readonly SimConfig[];
  /** Open a token in the Token Inspector. */
  inspect(token: string): Promise<void>;
}

interface Session {
  client: AppClient;
  endpoint: string;
  username: string;
  tokens: AuthenticationResult;
}

/** The Sign In and Refresh commands; the last session lives here, in memory. */
export class SignInCommands {
  private last: Session | undefined;

  constructor(private readonly deps: SignInDeps) {}

  /** The tokens of the last sign-in (host tests read them; nothing else leaves memory). */
  lastTokens(): AuthenticationResult | undefined {
    return this.last?.tokens;
  }

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(SIGN_IN_COMMAND, () => this.signIn()),
      vscode.commands.registerCommand(REFRESH_COMMAND, () => this.refresh()),
    ];
  }

  private async pickTarget(): Promise<{ poolId: string; clientId: string; endpoint: string } | undefined> {
    const { signInTargets, cognitoEndpointForPool } = await simulatorCore();
    const targets = signInTargets(this.deps.configs());
    type Item = vscode.QuickPickItem & { target?: SignInTarget; clientId?: string };
    const items: Item[] = [];
    for (const target of targets) {
      const where = target.endpoint ?? 'AWS';
      for (const clientId of target.clientIds.length > 0 ? target.clientIds : [undefined]) {
        items.push({
          label: target.poolId,
          description: clientId === undefined ? 'client id: you will be asked' : `client ${clientId}`,
          detail: `${where} · ${target.authorizers.join(', ')}`,
          target,
          ...(clientId === undefined ? {} : { clientId }),
        });
      }
    }
    items.push({ label: 'Enter a user pool id and app client id...', alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Sign in: which user pool and app client?',
      placeHolder: 'pools named by the workspace configuration and templates',
      ignoreFocusOut: true,
    });
    if (!picked) return undefined;
    const poolId =
      picked.target?.poolId ??
      (await vscode.window.showInputBox({
        title: 'User pool id',
        placeHolder: 'us-east-1_AbC123xyz',
        ignoreFocusOut: true,
        validateInput: (value) =>
          parseUserPoolId(value.trim()) ? undefined : 'a user pool id looks like us-east-1_AbC123',
      }));
    if (poolId === undefined) return undefined;
    const clientId =
      picked.clientId ??
      (await vscode.window.showInputBox({
        title: `App client id of ${poolId.trim()}`,
        ignoreFocusOut: true,
        validateInput: (value) =>
          /^[\w+]{1,128}$/.test(value.trim()) ? undefined : 'an app client id: letters and digits',
      }));
    if (clientId === undefined) return undefined;
    // An emulator endpoint comes from a loopback issuer; anything else is AWS's regional endpoint for the pool.
    const endpoint = picked.target?.endpoint ?? cognitoEndpointForPool(poolId.trim());
    if (endpoint === undefined) return undefined;
    return { poolId: poolId.trim(), clientId: clientId.trim(), endpoint };
  }

  private async signIn(): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage(
        'Auth Debugger: signing in needs a trusted workspace (it sends a password over the network).',
      );
      return;
    }
    const target = await this.pickTarget();
    if (!target) return;
    // Sign-in code (and AWS's SRP library) lives in the lazily loaded core bundle.
    const { checkCognitoEndpoint, cognitoCall, createJsonPost, signIn } = await simulatorCore();
    const checked = checkCognitoEndpoint(target.endpoint);
    if (!checked.ok) {
      void vscode.window.showErrorMessage(`Auth Debugger: ${checked.message}`);
      return;
    }
    const host = checked.url.host;
    const username = await vscode.window.showInputBox({
      title: `Sign in to ${target.poolId} (${host})`,
      prompt: 'Username',
      value: this.last?.client.poolId === target.poolId ? this.last.username : '',
      ignoreFocusOut: true,
    });
    if (!username) return;
    const password = await vscode.window.showInputBox({
      title: `Password for ${username} (sent to ${host})`,
      password: true,
      ignoreFocusOut: true,
    });
    if (!password) return;
    const emulator = checked.url.protocol === 'http:';
    const flows: (vscode.QuickPickItem & { flow: SignInFlow })[] = [
      {
        label: 'USER_SRP_AUTH',
        description: 'the password never leaves the editor (Amplify default)',
        flow: 'srp',
      },
      {
        label: 'USER_PASSWORD_AUTH',
        description: 'the password is sent over TLS; emulators support only this',
        flow: 'password',
      },
    ];
    if (emulator) flows.reverse();
    const flow = await vscode.window.showQuickPick(flows, {
      title: 'Authentication flow',
      ignoreFocusOut: true,
    });
    if (!flow) return;

    const client: AppClient = { poolId: target.poolId, clientId: target.clientId };
    const call = cognitoCall(checked.url, createJsonPost(), 10_000);
    const deps = { call, nowMs: () => Date.now() };
    try {
      let outcome = await signIn({ ...client, username, password, flow: flow.flow }, deps);
      // A client with a secret: ask for it once and retry.
      if (outcome.kind === 'failed' && outcome.hint?.includes('secret')) {
        const secret = await vscode.window.showInputBox({
          title: `The app client ${client.clientId} has a secret`,
          prompt: 'Client secret (kept in memory for this sign-in only)',
          password: true,
          ignoreFocusOut: true,
        });
        if (!secret) return;
        client.clientSecret = secret;
        outcome = await signIn({ ...client, username, password, flow: flow.flow }, deps);
      }
      outcome = await this.answerChallenges(client, outcome, deps);
      await this.finish(outcome, { client, endpoint: target.endpoint, username }, `${flow.label} at ${host}`);
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Auth Debugger: sign-in failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async answerChallenges(
    client: AppClient,
    first: SignInOutcome,
    deps: SignInCallDeps,
  ): Promise<SignInOutcome> {
    const { answerChallenge } = await simulatorCore();
    let outcome = first;
    for (let round = 0; round < 3 && outcome.kind === 'challenge'; round++) {
      const { challenge } = outcome;
      if (challenge.answer === undefined) break;
      const where = challenge.parameters.CODE_DELIVERY_DESTINATION;
      const answer = await vscode.window.showInputBox({
        title: `Cognito asks for ${challenge.name}`,
        prompt: `${challenge.message}${where ? ` (sent to ${where})` : ''}`,
        password: challenge.answer === 'new-password',
        ignoreFocusOut: true,
      });
      if (!answer) return outcome;
      outcome = await answerChallenge(client, challenge, answer, deps);
    }
    return outcome;
  }

  private async finish(outcome: SignInOutcome, session: Omit<Session, 'tokens'>, how: string): Promise<void> {
    if (outcome.kind === 'failed') {
      void vscode.window.showErrorMessage(
        `Auth Debugger: ${outcome.code}: ${outcome.message}${outcome.hint ? ` (${outcome.hint})` : ''}`,
      );
      return;
    }
    if (outcome.kind === 'challenge') {
      void vscode.window.showWarningMessage(
        `Auth Debugger: sign-in stopped at ${outcome.challenge.name}: ${outcome.challenge.message}`,
      );
      return;
    }
    const tokens: AuthenticationResult = {
      ...outcome.result,
      ...(outcome.result.RefreshToken === undefined && this.last?.tokens.RefreshToken !== undefined
        ? { RefreshToken: this.last.tokens.RefreshToken }
        : {}),
    };
    this.last = { ...session, tokens };
    this.deps.log.info(
      `signed in ${session.username} to ${session.client.poolId} (${how}): ${redactToken(tokens.IdToken)}`,
    );
    await this.deps.inspect(tokens.IdToken);
    const actions = ['Open Access Token', 'Copy ID Token', 'Copy Access Token'];
    if (
      vscode.window.activeTextEditor?.document.languageId === 'http' ||
      vscode.window.activeTextEditor?.document.fileName.endsWith('.http')
    )
      actions.push('Insert into .http');
    if (tokens.RefreshToken !== undefined) actions.push('Remember Refresh Token');
    const choice = await vscode.window.showInformationMessage(
      `Auth Debugger: signed in as ${session.username}; the ID token is open in the Inspector (expires in ${Math.round(tokens.ExpiresIn / 60)} min).`,
      ...actions,
    );
    await this.act(choice, tokens, session);
  }

  private async act(
    choice: string | undefined,
    tokens: AuthenticationResult,
    session: Omit<Session, 'tokens'>,
  ): Promise<void> {
    switch (choice) {
      case 'Open Access Token':
        await this.deps.inspect(tokens.AccessToken);
        return;
      case 'Copy ID Token':
        await vscode.env.clipboard.writeText(tokens.IdToken);
        return;
      case 'Copy Access Token':
        await vscode.env.clipboard.writeText(tokens.AccessToken);
        return;
      case 'Insert into .http':
        await insertIntoHttpFile(tokens);
        return;
      case 'Remember Refresh Token':
        if (tokens.RefreshToken !== undefined) await this.remember(session, tokens.RefreshToken);
        return;
      default:
        return;
    }
  }

  /** SecretStorage only, and only on request: the key is listed in an index so Refresh can offer it later. */
  private async remember(session: Omit<Session, 'tokens'>, refreshToken: string): Promise<void> {
    const name = refreshName(session);
    await this.deps.secrets.store(REFRESH_PREFIX + name, JSON.stringify({ ...session, refreshToken }));
    const names = await this.storedNames();
    if (!names.includes(name)) await this.deps.secrets.store(REFRESH_INDEX, JSON.stringify([...names, name]));
  }

  private async storedNames(): Promise<string[]> {
    try {
      const parsed: unknown = JSON.parse((await this.deps.secrets.get(REFRESH_INDEX)) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((k): k is string => typeof k === 'string') : [];
    } catch {
      return [];
    }
  }

  private async refresh(): Promise<void> {
    const session = this.last;
    let refreshToken = session?.tokens.RefreshToken;
    let stored: (Omit<Session, 'tokens'> & { refreshToken: string }) | undefined;
    if (refreshToken === undefined) {
      stored = await this.pickStored();
      refreshToken = stored?.refreshToken;
    }
    const base = session ?? stored;
    if (!base || refreshToken === undefined) {
      void vscode.window.showInformationMessage(
        'Auth Debugger: no refresh token yet: use "Sign In..." first.',
      );
      return;
    }
    const { checkCognitoEndpoint, cognitoCall, createJsonPost, refreshTokens } = await simulatorCore();
    const checked = checkCognitoEndpoint(base.endpoint);
    if (!checked.ok) return;
    try {
      const outcome = await refreshTokens(base.client, refreshToken, base.username, {
        call: cognitoCall(checked.url, createJsonPost(), 10_000),
        nowMs: () => Date.now(),
      });
      await this.finish(
        outcome,
        { client: base.client, endpoint: base.endpoint, username: base.username },
        'refresh',
      );
    } catch (error) {
      void vscode.window.showErrorMessage(
        `Auth Debugger: refresh failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private async pickStored(): Promise<(Omit<Session, 'tokens'> & { refreshToken: string }) | undefined> {
    const names = await this.storedNames();
    if (names.length === 0) return undefined;
    const picked = await vscode.window.showQuickPick(names, { title: 'Refresh which remembered sign-in?' });
    if (!picked) return undefined;
    const value = await this.deps.secrets.get(REFRESH_PREFIX + picked);
    if (!value) return undefined;
    try {
      return JSON.parse(value) as Omit<Session, 'tokens'> & { refreshToken: string };
    } catch {
      return undefined;
    }
  }
}

const REFRESH_INDEX = 'authDebugger.refreshIndex';

function refreshName(session: Omit<Session, 'tokens'>): string {
  return `${session.username}@${session.client.poolId}/${session.client.clientId}`;
}

/** Set `@idToken` / `@accessToken` file variables in the active .http file (replacing existing definitions). */
async function insertIntoHttpFile(tokens: AuthenticationResult): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const document = editor.document;
  const edit = new vscode.WorkspaceEdit();
  const values: Record<string, string> = { idToken: tokens.IdToken, accessToken: tokens.AccessToken };
  let insertAt = 0;
  for (const [name, value] of Object.entries(values)) {
    let replaced = false;
    for (let line = 0; line < Math.min(document.lineCount, 5000); line++) {
      const text = document.lineAt(line).text;
      const trimmed = text.trimStart();
      if (
        trimmed.startsWith(`@${name}`) &&
        trimmed
          .slice(name.length + 1)
          .trimStart()
          .startsWith('=')
      ) {
        edit.replace(document.uri, document.lineAt(line).range, `@${name} = ${value}`);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      edit.insert(document.uri, new vscode.Position(insertAt, 0), `@${name} = ${value}\n`);
      insertAt = 0;
    }
  }
  await vscode.workspace.applyEdit(edit);
}
