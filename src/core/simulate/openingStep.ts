// The opening step every authorizer shares: find the identity-source value, decode it once, apply what-if edits.
import { decodeToken } from '../decode.ts';
import type { DecodeResult } from '../decode.ts';
import type { IdentityLookup } from './identitySource.ts';
import { findIdentity } from './identitySource.ts';
import { step } from './result.ts';
import type { Run } from './run.ts';
import type { VerifyContext } from './tokenChecks.ts';
import { editToken, hasEdits } from './whatIf.ts';

/** The token an authorizer checks: its text (edited under what-if), its one decode, and the verification mode. */
export interface OpenedToken {
  token: string;
  decoded: DecodeResult;
  ctx: VerifyContext;
}

/** True when the request carries a token, as text or already decoded. */
export function hasToken(run: Run): boolean {
  const { token, decoded } = run.request;
  return (token !== undefined && token.trim() !== '') || (decoded !== undefined && decoded.token.text !== '');
}

/** Look for `header` in the request; a decoded token given without text is that header's bare value. */
export function lookUpIdentity(run: Run, header: string): IdentityLookup {
  const { token, decoded } = run.request;
  if ((token === undefined || token.trim() === '') && decoded !== undefined && decoded.token.text !== '') {
    return {
      value: { token: decoded.token.text, scheme: undefined, assumed: true },
      notes: [
        step(
          'identity-source',
          'pass',
          `a decoded token was given: taken as the value of the ${header} header`,
        ),
      ],
      accessToken: undefined,
      identity: undefined,
    };
  }
  return findIdentity(token, header);
}

/** Decode the identity value once (reusing the caller's decode when it is the same token) and apply the edits. */
export function openToken(run: Run, text: string): OpenedToken {
  const given = run.request.decoded;
  const decoded = given !== undefined && given.token.text === text.trim() ? given : decodeToken(text);
  const edits = run.request.whatIf;
  if (edits === undefined || !hasEdits(edits)) return { token: text, decoded, ctx: run.baseCtx };
  const edited = editToken(decoded, edits);
  if (!edited.ok) {
    run.add('what-if', 'warn', `${edited.message}: edits ignored`);
    return { token: text, decoded, ctx: run.baseCtx };
  }
  run.whatIf = { edited: true, signatureSkipped: true, edits: edited.edits };
  run.add(
    'what-if',
    'warn',
    `claims edited (${edited.edits.join('; ')}): the decision runs on the edited claims and the signature check is skipped${
      edited.resigned ? '' : ` (alg ${JSON.stringify(decoded.token.header?.alg ?? null)} is kept as is)`
    }`,
  );
  return {
    token: edited.token,
    // The edited token is new text (new claims, new signature): decoded once, like the original.
    decoded: decodeToken(edited.token),
    ctx: { ...run.baseCtx, signatureSkipped: true, deps: { keys: edited.keys } },
  };
}
