// What a report says about its signature, in one line, chosen from the checks' data (status and reason), never
// from their wording. The hover uses it; its text for keys not cached is the key check's own message, the same
// words the Inspector's key row and the simulator's token.key step show.
import type { Check } from '../core/findings.ts';

export interface SignatureLine {
  state: 'verified' | 'not-checked' | 'failed';
  text: string;
  /** The text quotes a check message (URLs, token text): render it as code, never as markup. */
  quotesCheck: boolean;
  /** The key check is told here, so a list of failed checks need not repeat it. */
  coversKey: boolean;
}

export function signatureLine(checks: readonly Check[]): SignatureLine {
  const signature = checks.find((c) => c.id === 'signature');
  const key = checks.find((c) => c.id === 'key');
  if (signature?.status === 'pass')
    return { state: 'verified', text: '✓ verified (cached keys)', quotesCheck: false, coversKey: false };
  if (key?.reason === 'not-cached')
    return { state: 'not-checked', text: key.message, quotesCheck: true, coversKey: true };
  // Without a usable key nothing was checked: say so instead of calling the signature bad.
  if (key?.status === 'fail')
    return {
      state: 'not-checked',
      text: 'not checked: no usable key (see "key" under failed checks)',
      quotesCheck: false,
      coversKey: false,
    };
  if (signature?.status === 'fail')
    return { state: 'failed', text: `✗ failed: ${signature.message}`, quotesCheck: true, coversKey: false };
  return {
    state: 'not-checked',
    text: signature?.message ?? 'not checked',
    quotesCheck: true,
    coversKey: false,
  };
}
