// A template's token validation expression (IdentityValidationExpression and its SAM/OpenAPI spellings) is checked
// when the file is read, with the same engine and wording as `validationRegex` in authdebug.yaml.
import { compileUserRegex } from '../userRegex.ts';
import { isPlaceholder } from './intrinsics.ts';
import type { ReadContext } from './readerContext.ts';

/**
 * The expression to keep in the configuration, after a finding at file:line (the builder's prefix) when it is invalid or cannot be
 * evaluated here. Both are kept: API Gateway refuses to create an authorizer with an invalid expression, and the
 * simulator's trace says so (a configuration verdict); a Java-only one is valid for AWS.
 */
export function checkedValidationExpression(
  ctx: ReadContext,
  expression: string,
  what: string,
  line: number | undefined,
): string {
  // An unresolved parameter is reported with the other placeholders; there is no pattern to compile yet.
  if (isPlaceholder(expression)) return expression;
  const compiled = compileUserRegex(expression);
  if (compiled.ok) return expression;
  if (compiled.reason === 'invalid') {
    ctx.out.warn(
      'validation-regex-invalid',
      `${what} is ${compiled.message}; API Gateway refuses to create this authorizer`,
      line,
    );
  } else {
    ctx.out.warn(
      'validation-regex-unsupported',
      `${what} cannot be evaluated by the simulator: ${compiled.message}`,
      line,
    );
  }
  return expression;
}
