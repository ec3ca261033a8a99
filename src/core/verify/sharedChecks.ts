// Checks shared between reports instead of built per token: only checks that depend on nothing but their inputs,
// and always frozen, so that no report (or caller) can change what another one says.
import { check } from '../findings.ts';
import type { Check, CheckId, CheckReason, CheckStatus } from '../findings.ts';

/** A check whose every field is fixed: built once at load. */
export function fixed(id: CheckId, status: CheckStatus, message: string, reason?: CheckReason): Check {
  return Object.freeze(check(id, status, message, { reason }));
}

/**
 * The check built for the last value (an expected issuer, a load balancer ARN, a kid...): a run verifies many
 * tokens against the same options and keys, so the same value comes back. One slot: nothing grows.
 */
export class LastPassed {
  #value: string | undefined;
  #check: Check | undefined;

  /** `build` must depend on `value` alone. */
  get(value: string, build: (value: string) => Check): Check {
    if (this.#check === undefined || this.#value !== value) {
      this.#value = value;
      this.#check = Object.freeze(build(value));
    }
    return this.#check;
  }
}
