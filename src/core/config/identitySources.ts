// Identity sources as API Gateway writes them (`$request.querystring.tenant`, `method.request.header.X`...), parsed
// once for the configuration reader and the simulator.

/** Where an identity source reads from: AWS mapping expressions name a header, query string, stage variable or $context value. */
export type IdentityLocation = 'header' | 'querystring' | 'stageVariable' | 'context';

/** One identity source, parsed: `$request.querystring.tenant` -> querystring "tenant". */
export interface IdentityExpression {
  /** As configured. */
  expression: string;
  location: IdentityLocation;
  name: string;
  /** Which API's spelling: HTTP API (`$request.header.x`), REST (`method.request.header.X`), or a bare header name. */
  form: 'http' | 'rest' | 'header-name';
}

const EXPRESSION_FORMS: readonly { prefix: string; location: IdentityLocation; form: 'http' | 'rest' }[] = [
  { prefix: '$request.header.', location: 'header', form: 'http' },
  { prefix: '$request.querystring.', location: 'querystring', form: 'http' },
  { prefix: '$stageVariables.', location: 'stageVariable', form: 'http' },
  { prefix: '$context.', location: 'context', form: 'http' },
  { prefix: 'method.request.header.', location: 'header', form: 'rest' },
  { prefix: 'method.request.querystring.', location: 'querystring', form: 'rest' },
  { prefix: 'stageVariables.', location: 'stageVariable', form: 'rest' },
  { prefix: 'context.', location: 'context', form: 'rest' },
];

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const VARIABLE_NAME = /^[A-Za-z0-9._-]+$/;

/** Parse one identity source; undefined when it is no expression API Gateway accepts (e.g. WebSocket `route.request...`). */
export function parseIdentityExpression(expression: string): IdentityExpression | undefined {
  const text = expression.trim();
  for (const { prefix, location, form } of EXPRESSION_FORMS) {
    if (!text.startsWith(prefix)) continue;
    const name = text.slice(prefix.length);
    const valid = location === 'header' ? HEADER_NAME.test(name) : VARIABLE_NAME.test(name);
    return valid ? { expression: text, location, name, form } : undefined;
  }
  if (/^(\$|method\.|route\.|integration\.)/.test(text)) return undefined;
  return HEADER_NAME.test(text)
    ? { expression: text, location: 'header', name: text, form: 'header-name' }
    : undefined;
}
