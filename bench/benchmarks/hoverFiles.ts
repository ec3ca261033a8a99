// The hover benchmark's inputs: a document held as VS Code holds it, a `.http` file of requests and a large
// gateway log, each with tokens on its lines.

/** A TextDocument as VS Code holds it: the text in memory with a line index; lineAt is O(line length). */
export class BenchDocument {
  private readonly starts: Int32Array | Float64Array;
  readonly lineCount: number;
  constructor(
    readonly uri: unknown,
    private readonly text: string,
  ) {
    const starts: number[] = [0];
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
    if (starts[starts.length - 1] === text.length) starts.pop();
    this.starts = text.length < 2 ** 31 ? Int32Array.from(starts) : Float64Array.from(starts);
    this.lineCount = starts.length;
  }
  lineAt(line: number | { line: number }): { text: string; lineNumber: number } {
    const n = typeof line === 'number' ? line : line.line;
    const start = this.starts[n] as number;
    let end = n + 1 < this.lineCount ? (this.starts[n + 1] as number) - 1 : this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return { text: this.text.slice(start, end), lineNumber: n };
  }
}

export function httpFile(tokens: string[], minBytes: number): string {
  const blocks: string[] = [];
  let size = 0;
  for (let i = 0; size < minBytes; i++) {
    const block = [
      `### Request ${i + 1}: list orders of customer ${1000 + i}`,
      `GET https://api.example.com/prod/customers/${1000 + i}/orders?limit=20 HTTP/1.1`,
      'Accept: application/json',
      `Authorization: Bearer ${tokens[i % tokens.length] as string}`,
    ].join('\n');
    blocks.push(block);
    size += block.length + 2;
  }
  return blocks.join('\n\n');
}

/** A log of `tokens` token lines (1 in 5 a Cognito access token, the rest short service JWTs), padded with
 * token-free lines to at least `minBytes`; the last line is a Cognito access token in an Authorization header. */
export function logFile(cognito: string[], service: string[], tokens: number, minBytes: number): string {
  const lines: string[] = [];
  const time = Date.UTC(2025, 0, 1);
  const stamp = (i: number): string => new Date(time + i * 37).toISOString();
  const tokenLine = (i: number): string =>
    i % 5 === 4 || i === tokens - 1
      ? `${stamp(i)} INFO  gateway req=${i.toString(16).padStart(8, '0')} GET /orders Authorization: Bearer ${cognito[i % cognito.length] as string}`
      : `${stamp(i)} DEBUG mesh    req=${i.toString(16).padStart(8, '0')} upstream token=${service[i % service.length] as string}`;
  // Estimate the filler needed, then spread it evenly between token lines.
  let tokenBytes = 0;
  for (let i = 0; i < tokens; i++) tokenBytes += tokenLine(i).length + 1;
  const filler = 'INFO  cache  hit ratio=0.97 keys=1 evictions=0 latency_ms=0.4 shard=eu-west-1a status=ok';
  const fillerLines = Math.max(0, Math.ceil((minBytes - tokenBytes) / (filler.length + 25)));
  const every = fillerLines > 0 ? tokens / fillerLines : Infinity;
  let nextFiller = every;
  for (let i = 0; i < tokens; i++) {
    while (i >= nextFiller && i < tokens - 1) {
      lines.push(`${stamp(i)} ${filler}`);
      nextFiller += every;
    }
    lines.push(tokenLine(i));
  }
  const text = lines.join('\n');
  return text.length >= minBytes
    ? text
    : `${`${stamp(0)} ${filler}\n`.repeat(Math.ceil((minBytes - text.length) / (filler.length + 26)))}${text}`;
}
