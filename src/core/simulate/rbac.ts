// The RBAC rules a backend (or a Lambda authorizer) applies once the token is accepted.
import { SCOPE_RULES, matchScopes, readGroups, readScopes } from '../claims.ts';
import type { ScopeRule } from '../claims.ts';
import type { RbacPolicy } from '../config/model.ts';
import type { PassHint, TraceStep } from './result.ts';
import { step } from './result.ts';

/** Outcome of the RBAC rules: `missing` names the first unmet requirement. */
export interface RbacOutcome {
  ok: boolean;
  /** e.g. `group admin or support`, `scope orders/write`, `claim custom:tenant = acme`. */
  missing: string | undefined;
  /** The first unmet requirement as data. */
  hint?: PassHint | undefined;
  trace: TraceStep[];
}

/** RBAC rules are the backend's own code: they read scopes the way the JWT authorizer does. */
export const RBAC_SCOPE_RULE: ScopeRule = { ...SCOPE_RULES['jwt-authorizer'], reader: 'the RBAC rules' };
const SCOPE_ONLY_RULE: ScopeRule = { ...RBAC_SCOPE_RULE, claims: ['scope'] };

/** `cognito:groups` as a list, whether a token array or a comma-joined string (REST claims, Lambda context). */
export function groupsOf(claims: Record<string, unknown>): string[] {
  return readGroups(claims);
}

/** Scopes from `scope`, and `scp` unless `allowScp` is false; each a space-separated string or a string list. */
export function scopesOf(claims: Record<string, unknown>, allowScp = true): string[] | undefined {
  return readScopes(claims, allowScp ? RBAC_SCOPE_RULE : SCOPE_ONLY_RULE).scopes;
}

function list(values: readonly string[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

/** Apply groups (any), allGroups (all), scopes (any) and claims (exact or one of); every rule must hold. */
export function evaluateRbac(policy: RbacPolicy | undefined, claims: Record<string, unknown>): RbacOutcome {
  const trace: TraceStep[] = [];
  if (!policy || Object.keys(policy).length === 0) {
    return { ok: true, missing: undefined, trace: [step('rbac', 'skip', 'the route has no RBAC rules')] };
  }
  let missing: string | undefined;
  let hint: PassHint | undefined;
  const note = (ok: boolean, message: string, need: string, needed: PassHint): void => {
    trace.push(step('rbac', ok ? 'pass' : 'fail', message));
    if (!ok && missing === undefined) {
      missing = need;
      hint = needed;
    }
  };
  const groups = groupsOf(claims);
  if (policy.groups && policy.groups.length > 0) {
    const hit = policy.groups.find((g) => groups.includes(g));
    note(
      hit !== undefined,
      hit !== undefined
        ? `group ${JSON.stringify(hit)} is one of the required groups (${list(policy.groups)})`
        : `missing group: needs one of ${list(policy.groups)} in cognito:groups (has ${groups.length ? list(groups) : 'none'})`,
      `group ${policy.groups.join(' or ')}`,
      { kind: 'group', required: policy.groups, all: false, has: groups },
    );
  }
  if (policy.allGroups && policy.allGroups.length > 0) {
    const absent = policy.allGroups.filter((g) => !groups.includes(g));
    note(
      absent.length === 0,
      absent.length === 0
        ? `all required groups present (${list(policy.allGroups)})`
        : `missing group: needs all of ${list(policy.allGroups)}; absent ${list(absent)}`,
      `group ${absent.join(' and ')}`,
      { kind: 'group', required: absent, all: true, has: groups },
    );
  }
  if (policy.scopes && policy.scopes.length > 0) {
    const { granted: scopes, hit } = matchScopes(claims, policy.scopes, RBAC_SCOPE_RULE);
    note(
      hit !== undefined,
      hit !== undefined
        ? `scope ${JSON.stringify(hit)} is one of the required scopes`
        : `missing scope: needs one of ${list(policy.scopes)} (token has ${scopes.length ? list(scopes) : 'none'})`,
      `scope ${policy.scopes.join(' or ')}`,
      { kind: 'scope', required: policy.scopes, granted: scopes },
    );
  }
  for (const [name, expected] of Object.entries(policy.claims ?? {})) {
    const allowed = Array.isArray(expected) ? expected : [expected];
    const actual = Object.hasOwn(claims, name) ? claims[name] : undefined;
    const text =
      typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean'
        ? String(actual)
        : undefined;
    const ok = text !== undefined && allowed.includes(text);
    const shown =
      actual === undefined
        ? 'absent'
        : Array.isArray(actual)
          ? 'a list (compared as a single value: no match)'
          : JSON.stringify(actual);
    note(
      ok,
      ok
        ? `claim ${name} = ${JSON.stringify(text)} is allowed`
        : `missing claim: ${name} must be ${allowed.length > 1 ? `one of ${list(allowed)}` : JSON.stringify(allowed[0])} (is ${shown})`,
      `claim ${name} = ${allowed.join(' | ')}`,
      { kind: 'claim', claim: name, allowed },
    );
  }
  return { ok: missing === undefined, missing, hint, trace };
}
