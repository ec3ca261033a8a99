// `authdbg diff A B`: two tokens (a working one and a failing one) claim by claim, differences first.
import { diffTokens, shownClaimValue } from '../core/explain/tokenDiff.ts';
import type { TokenDiff } from '../core/explain/tokenDiff.ts';
import { TIME_CLAIMS } from '../core/claimMeanings.ts';
import { kindLabel } from '../core/kindLabels.ts';
import { isoTime } from '../core/timeFormat.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import type { DecodeResult, JsonValue, TokenKind } from '../core/types.ts';
import { decodeInput } from '../core/verify/inspect.ts';
import { parseArgs } from './args.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';

const SPEC = { json: { value: false }, help: { value: false } } as const;

/** Help text for `authdbg diff --help` and `authdbg help diff`. */
export const DIFF_USAGE = `usage: authdbg diff A B [--json]
  A and B are anything inspect accepts (a token, "Bearer <jwt>", a header line); one of them may be "-"
  for standard input. Prints both kinds, then the claims that differ (payload, then header.* fields), then
  the names of the claims that are equal. Signatures are never printed; credential-named claims are redacted.
  --json   {"kinds":{"a","b"},"differences":[{"claim","a","b"}],"same":[names]} (a side absent = no such claim)
exit status: 0 the tokens carry the same claims, 1 they differ, 2 usage or unusable input`;

/** Column width of each side in the people output; longer values are cut with "...". */
const VALUE_WIDTH = 38;

function decodeSide(text: string, side: 'A' | 'B'): DecodeResult {
  const input = decodeInput(text);
  if (!input.ok) throw new UsageError(`${side}: ${input.message}`);
  const first = input.items[0];
  if (!first) throw new UsageError(`${side}: no token found`);
  if (input.items.length > 1)
    throw new UsageError(`${side}: the input holds ${input.items.length} tokens; give one token per side`);
  if (first.decoded.token.payload === null)
    throw new UsageError(`${side}: not a readable token (${first.decoded.format.message})`);
  return first.decoded;
}

function cell(claim: string, value: JsonValue | undefined): string {
  if (value === undefined) return '(absent)';
  const shown = shownClaimValue(claim, value);
  let text = JSON.stringify(shown) ?? 'null';
  const name = claim.startsWith('header.') ? '' : claim;
  if (TIME_CLAIMS.has(name) && typeof value === 'number') text += ` (${isoTime(value)})`;
  const clean = escapeForTerminal(text);
  return clean.length > VALUE_WIDTH ? `${clean.slice(0, VALUE_WIDTH - 3)}...` : clean;
}

/** The people output: kinds, the differences side by side, then what is the same. */
export function renderDiff(diff: TokenDiff): string {
  const lines = [
    `A: ${kindLabel(diff.kinds.a as TokenKind)} (${diff.kinds.a})`,
    `B: ${kindLabel(diff.kinds.b as TokenKind)} (${diff.kinds.b})`,
    '',
  ];
  if (diff.differences.length === 0) lines.push('No differences: both tokens carry the same claims.');
  else {
    lines.push(`Differences (${diff.differences.length})`);
    const names = diff.differences.map((d) => escapeForTerminal(d.claim));
    const width = Math.min(28, Math.max(5, ...names.map((n) => n.length)));
    lines.push(`  ${'claim'.padEnd(width)}  ${'A'.padEnd(VALUE_WIDTH)}  B`);
    diff.differences.forEach((d, i) => {
      const name = names[i] ?? '';
      lines.push(`  ${name.padEnd(width)}  ${cell(d.claim, d.a).padEnd(VALUE_WIDTH)}  ${cell(d.claim, d.b)}`);
    });
  }
  if (diff.same.length > 0) {
    lines.push('', `Same (${diff.same.length}): ${diff.same.map(escapeForTerminal).join(', ')}`);
  }
  return lines.join('\n');
}

/** The --json shape, with the same redaction as the people output. */
export function diffJson(diff: TokenDiff): TokenDiff {
  return {
    kinds: diff.kinds,
    differences: diff.differences.map((d) => {
      const entry: TokenDiff['differences'][number] = { claim: d.claim };
      if (d.a !== undefined) entry.a = shownClaimValue(d.claim, d.a);
      if (d.b !== undefined) entry.b = shownClaimValue(d.claim, d.b);
      return entry;
    }),
    same: diff.same,
  };
}

/** Run `authdbg diff`. */
export async function runDiff(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${DIFF_USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length !== 2) throw new UsageError('diff takes two tokens: authdbg diff A B');
  const [first, second] = args.positionals as [string, string];
  if (first === '-' && second === '-')
    throw new UsageError('only one of A and B can be "-" (standard input)');
  const a = decodeSide(first === '-' ? await io.readStdin() : first, 'A');
  const b = decodeSide(second === '-' ? await io.readStdin() : second, 'B');
  const diff = diffTokens(a, b);
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(diffJson(diff), null, 2)}\n`);
  else io.stdout(`${renderDiff(diff)}\n`);
  return diff.differences.length === 0 ? EXIT.ok : EXIT.rejected;
}
