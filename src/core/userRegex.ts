// Regular expressions written by users (Cognito `identityValidationExpression` / `validationRegex`, a Lambda TOKEN
// authorizer's validation expression), evaluated with re2js: RE2 semantics, time linear in the input, so a nested
// quantifier such as ^(a+)+$ cannot hang the extension host. API Gateway reads these patterns with Java's
// java.util.regex; Java features RE2 lacks are named ('unsupported'), never guessed at.
import { RE2JS, RE2JSException } from 're2js';

/** Longest pattern compiled, in characters (validation expressions are short; RE2's compile is linear in it). */
export const USER_REGEX_PATTERN_LIMIT = 1024;
/** Largest compiled program accepted (`x{1000}` style repetition multiplies the pattern's size). */
export const USER_REGEX_PROGRAM_LIMIT = 20_000;
/** Matching costs up to program size x input length steps; refuse beyond this (about a quarter second). */
export const USER_REGEX_WORK_LIMIT = 2 ** 24;

export type UserRegexProblem = 'invalid' | 'unsupported' | 'too-large';

/** One evaluation: found or not (searched anywhere in the value, as the simulator always has), or refused. */
export type UserRegexTest = { ok: true; matched: boolean; note?: string } | { ok: false; message: string };

export type UserRegex =
  | { ok: true; pattern: string; test(value: string): UserRegexTest }
  | { ok: false; reason: UserRegexProblem; message: string };

const JAVA_ONLY_ESCAPES: Record<string, string> = {
  G: '\\G (end of the previous match)',
  Z: '\\Z (end of input before a final line break)',
  R: '\\R (any line break)',
  X: '\\X (extended grapheme cluster)',
  h: '\\h (horizontal whitespace)',
  H: '\\H (not horizontal whitespace)',
  v: '\\v (Java: any vertical whitespace; RE2: only U+000B)',
  V: '\\V (not vertical whitespace)',
  e: '\\e (escape character)',
  c: '\\c (control character)',
  N: '\\N{name} (character by name)',
};

const LINE_TERMINATORS = new Set(['\n', '\r', '\u0085', '\u2028', '\u2029']);

interface Scan {
  /** The pattern with Java-only spellings RE2 reads the same way rewritten (\uXXXX -> \x{XXXX}). */
  translated: string;
  features: string[];
  usesDollar: boolean;
}

/** One linear pass over the pattern naming the Java features RE2 lacks or reads differently. */
function scanJavaPattern(pattern: string): Scan {
  const features = new Set<string>();
  const out: string[] = [];
  let classDepth = 0;
  let classStart = -1; // index just after "[" or "[^": a "]" there is literal
  let afterQuantifier = false;
  let usesDollar = false;
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i] ?? '';
    if (ch === '\\') {
      const next = pattern[i + 1] ?? '';
      if (next === 'Q') {
        // \Q...\E quotes literally in both engines; skip to the closing \E (or the end) in one step.
        const close = pattern.indexOf('\\E', i + 2);
        const end = close < 0 ? pattern.length : close + 2;
        out.push(pattern.slice(i, end));
        i = end;
        afterQuantifier = false;
        continue;
      }
      if (classDepth === 0 && next >= '1' && next <= '9') features.add('backreference \\' + next);
      else if (classDepth === 0 && next === 'k' && pattern[i + 2] === '<')
        features.add('named backreference \\k<...>');
      else if (JAVA_ONLY_ESCAPES[next] !== undefined) features.add(JAVA_ONLY_ESCAPES[next]);
      if (next === 'u' && /^[0-9A-Fa-f]{4}$/.test(pattern.slice(i + 2, i + 6))) {
        out.push(`\\x{${pattern.slice(i + 2, i + 6)}}`);
        i += 6;
      } else if ('pPxN'.includes(next) && pattern[i + 2] === '{') {
        // \p{Name}, \x{hex}, \N{name}: the braces belong to the escape, not to a repetition.
        const close = pattern.indexOf('}', i + 3);
        const end = close < 0 ? pattern.length : close + 1;
        out.push(pattern.slice(i, end));
        i = end;
      } else {
        out.push(pattern.slice(i, i + 2));
        i += 2;
      }
      afterQuantifier = false;
      continue;
    }
    if (classDepth > 0) {
      if (ch === ']' && i !== classStart) classDepth--;
      else if (ch === '[') {
        features.add(
          pattern[i + 1] === ':'
            ? 'POSIX class [:name:] (Java reads it as a nested set of those letters)'
            : 'nested character class (Java union)',
        );
        classDepth++;
        classStart = i + 1 + (pattern[i + 1] === '^' ? 1 : 0);
      } else if (ch === '&' && pattern[i + 1] === '&') features.add('character class intersection &&');
      out.push(ch);
      i++;
      continue;
    }
    if (ch === '[') {
      classDepth = 1;
      classStart = i + 1 + (pattern[i + 1] === '^' ? 1 : 0);
      afterQuantifier = false;
    } else if (ch === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) features.add('lookahead (?= / (?!');
      else if (rest === '<=' || rest === '<!') features.add('lookbehind (?<= / (?<!');
      else if (rest.startsWith('>')) features.add('atomic group (?>');
      else {
        const flags = /^[A-Za-z-]*(?=[:)])/.exec(pattern.slice(i + 2, i + 40))?.[0] ?? '';
        const foreign = [...flags].filter((f) => !'ims-'.includes(f));
        if (foreign.length > 0)
          features.add(`inline flag ${foreign.join('')} (only i, m, s mean the same in both)`);
      }
      out.push('(?');
      i += 2;
      afterQuantifier = false;
      continue;
    } else if (ch === '{') {
      const counted = /^\{\d+(?:,\d*)?\}/.exec(pattern.slice(i, i + 24))?.[0];
      if (counted !== undefined) {
        out.push(counted);
        i += counted.length;
        afterQuantifier = true;
        continue;
      }
    } else if (ch === '*' || ch === '+' || ch === '?') {
      if (afterQuantifier && ch === '+') features.add('possessive quantifier (*+, ++, ?+, {n}+)');
      // A "?" after a quantifier makes it lazy (both engines); anything after that is a new token.
      afterQuantifier = !(afterQuantifier && ch === '?');
      out.push(ch);
      i++;
      continue;
    } else if (ch === '$') usesDollar = true;
    afterQuantifier = false;
    out.push(ch);
    i++;
  }
  return { translated: out.join(''), features: [...features], usesDollar };
}

function describeSyntaxError(error: unknown): { reason: UserRegexProblem; message: string } {
  const text = error instanceof Error ? error.message : String(error);
  const detail = text.replace(/^error parsing regexp: /, '');
  const repeat = /invalid repeat count: `\{(\d+)(?:,(\d*))?\}`/.exec(text);
  if (repeat) {
    const min = Number(repeat[1]);
    const max = repeat[2] === undefined ? min : repeat[2] === '' ? Infinity : Number(repeat[2]);
    if (min <= max)
      return {
        reason: 'unsupported',
        message: `repetition counts above 1000 (also when nested counts multiply past it) are RE2's limit; Java accepts them (${detail})`,
      };
  }
  if (/\\[pP]/.test(detail) && /character class/.test(detail))
    return {
      reason: 'unsupported',
      message: `a Java character property RE2 does not know, such as \\p{Alpha} or \\p{javaLowerCase} (${detail})`,
    };
  return { reason: 'invalid', message: `not a valid regular expression: ${detail}` };
}

function compileUncached(pattern: string): UserRegex {
  if (pattern.length > USER_REGEX_PATTERN_LIMIT) {
    return {
      ok: false,
      reason: 'too-large',
      message: `the pattern has ${pattern.length} characters; at most ${USER_REGEX_PATTERN_LIMIT} are evaluated`,
    };
  }
  const scan = scanJavaPattern(pattern);
  if (scan.features.length > 0) {
    return {
      ok: false,
      reason: 'unsupported',
      message: `uses ${scan.features.join(', ')}: the linear-time engine (RE2) does not support ${scan.features.length > 1 ? 'these' : 'this'}, so the pattern cannot be evaluated here`,
    };
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(scan.translated);
  } catch (error) {
    if (error instanceof RE2JSException) return { ok: false, ...describeSyntaxError(error) };
    // Anything else (a stack overflow on deep nesting) is still a verdict about the pattern, not a crash.
    return {
      ok: false,
      reason: 'too-large',
      message: `the engine could not compile it (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const size = compiled.programSize();
  if (size > USER_REGEX_PROGRAM_LIMIT) {
    return {
      ok: false,
      reason: 'too-large',
      message: `the compiled pattern has ${size} instructions (repetition multiplies it); at most ${USER_REGEX_PROGRAM_LIMIT} are evaluated`,
    };
  }
  return {
    ok: true,
    pattern,
    test(value: string): UserRegexTest {
      if (size * value.length > USER_REGEX_WORK_LIMIT) {
        return {
          ok: false,
          message: `a ${value.length}-character value against a pattern of ${size} instructions exceeds the matching budget`,
        };
      }
      const matched = compiled.test(value);
      const note =
        scan.usesDollar && LINE_TERMINATORS.has(value.at(-1) ?? '')
          ? 'the value ends with a line break: Java\'s "$" also matches just before it, RE2\'s does not'
          : undefined;
      return note ? { ok: true, matched, note } : { ok: true, matched };
    },
  };
}

const CACHE_LIMIT = 64;
const cache = new Map<string, UserRegex>();

/** Compile a user's pattern (cached: the same expression is evaluated for every simulated request). */
export function compileUserRegex(pattern: string): UserRegex {
  const known = cache.get(pattern);
  if (known) {
    cache.delete(pattern); // most recently used goes last
    cache.set(pattern, known);
    return known;
  }
  const compiled = compileUncached(pattern);
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(pattern, compiled);
  return compiled;
}

/** How many compiled patterns are cached (for tests of the bound). */
export function userRegexCacheSize(): number {
  return cache.size;
}
