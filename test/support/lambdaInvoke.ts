// A STAND-IN for a Lambda Invoke API endpoint (what `sam local start-lambda` serves at http://127.0.0.1:3001),
// the smallest loopback implementation that runs a real handler file: serverless-offline needs the Serverless
// Framework v4 (an account login and downloads) and does not run here. Implemented from the Lambda API reference
// (Invoke): `POST /2015-03-31/functions/{FunctionName}/invocations`, the event as the JSON body, the handler's
// return value as the JSON answer (200); a thrown error is 200 with `X-Amz-Function-Error: Unhandled` and
// `{errorMessage, errorType, trace}`; an unknown function is 404 ResourceNotFoundException. Not implemented:
// Event/DryRun invocation types, qualifiers, log tails, timeouts and memory limits of the real service.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { TestServer } from './httpServer.ts';
import { startServer } from './httpServer.ts';

type Handler = (event: unknown, context: Record<string, unknown>) => unknown;

/** Function name -> the handler file and its export (default `handler`). */
export type LambdaFunctions = Record<string, { file: string; exportName?: string }>;

/** A running stand-in: every invocation's function name and event are recorded. */
export interface LambdaInvokeStandIn {
  server: TestServer;
  url: string;
  invocations: { functionName: string; event: unknown }[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

async function loadHandler(file: string, exportName: string): Promise<Handler | undefined> {
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[exportName];
  return typeof handler === 'function' ? (handler as Handler) : undefined;
}

export async function startLambdaInvoke(functions: LambdaFunctions): Promise<LambdaInvokeStandIn> {
  const invocations: LambdaInvokeStandIn['invocations'] = [];
  const server = await startServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const match = req.method === 'POST' ? INVOKE_PATH.exec(req.url ?? '') : null;
        const name = match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
        const spec = name !== undefined && Object.hasOwn(functions, name) ? functions[name] : undefined;
        if (name === undefined || spec === undefined) {
          res
            .writeHead(404, {
              'content-type': 'application/json',
              'x-amzn-errortype': 'ResourceNotFoundException',
            })
            .end(JSON.stringify({ Type: 'User', message: `Function not found: ${name ?? req.url ?? ''}` }));
          return;
        }
        const event: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        invocations.push({ functionName: name, event });
        const requestId = randomUUID();
        const context = {
          functionName: name,
          awsRequestId: requestId,
          getRemainingTimeInMillis: () => 3000,
        };
        try {
          const handler = await loadHandler(spec.file, spec.exportName ?? 'handler');
          if (handler === undefined)
            throw new Error(`${spec.file} exports no ${spec.exportName ?? 'handler'}`);
          const result = await handler(event, context);
          res
            .writeHead(200, { 'content-type': 'application/json', 'x-amz-request-id': requestId })
            .end(JSON.stringify(result ?? null));
        } catch (error) {
          const err = error instanceof Error ? error : new Error(String(error));
          res
            .writeHead(200, {
              'content-type': 'application/json',
              'x-amz-function-error': 'Unhandled',
              'x-amz-request-id': requestId,
            })
            .end(JSON.stringify({ errorMessage: err.message, errorType: err.name, trace: [] }));
        }
      })();
    });
  });
  return { server, url: server.origin, invocations, close: () => server.close() };
}
