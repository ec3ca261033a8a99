// authdbg: the core's checks and simulator in a terminal and in CI.
import { createHttpGet } from '../core/keys/httpGet.ts';
import { createKeyStore } from '../core/keys/keyStore.ts';
import { MAX_INPUT_BYTES } from '../core/inputParse.ts';
import { runInspect } from './inspectCommand.ts';
import { escapeForTerminal, escapeTerminalOutput } from '../core/textSafety.ts';
import { EXIT, UsageError, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readFileBytes } from './fileRead.ts';
import { runRoutes } from './routesCommand.ts';
import { runHttp } from './httpCommand.ts';
import { runExplain } from './explainCommand.ts';
import { runSimulate } from './simulateCommand.ts';
import { runGateway } from './gatewayCommand.ts';
import { runEvent } from './eventCommand.ts';
import { runDiff } from './diffCommand.ts';
import { runToken } from './tokenCommand.ts';
import { runScan } from './scanCommand.ts';
import { createJsonPost } from '../core/signIn/cognitoHttp.ts';
import { writeFile } from 'node:fs/promises';

const VERSION = '0.1.0';

const USAGE = `authdbg ${VERSION}: debug Amazon Cognito, API Gateway and ALB authentication
usage:
  authdbg inspect [TOKEN|-] [options]             decode and verify a token or header block
  authdbg simulate --config FILE --route "METHOD /path" [TOKEN|-] [options]
                                                  what API Gateway or the ALB would decide
  authdbg routes --config FILE [--json]           routes, authorizers and their requirements
  authdbg explain [FILE|-] [--config FILE] [TOKEN] which authorizer step produced this 401/403/500
  authdbg event --config FILE --route "METHOD /path" [TOKEN|-] [--payload 1.0|2.0] [--out FILE]
                                                  the full event the backend receives (sam local invoke -e)
  authdbg diff A B [--json]                       two tokens' claims side by side, differences first
  authdbg gateway --config FILE --target URL [--port 8787]
                                                  a local gateway enforcing the authorizers on real requests
  authdbg http FILE.http --config FILE [--env NAME] [--json]
                                                  every request of a .http file: route, decision, status
  authdbg token --pool ID --client ID --username U [--password-file F] [--flow password|srp]
                                                  sign a test user in: fresh ID and access tokens
  authdbg scan [PATH|-]... [--json|--format sarif] [--fail-on live|invalid|expired]
                                                  every token in logs, HAR files and folders: live ones are leaks
  authdbg help COMMAND                            options of a command
exit status: 0 valid/allowed, 1 invalid/denied, 2 usage or input error`;

/** Run the CLI with injected IO; returns the exit status. Never throws. */
export async function main(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'inspect':
        return await runInspect(rest, io);
      case 'simulate':
        return await runSimulate(rest, io);
      case 'routes':
        return await runRoutes(rest, io);
      case 'http':
        return await runHttp(rest, io);
      case 'explain':
        return await runExplain(rest, io);
      case 'event':
        return await runEvent(rest, io);
      case 'diff':
        return await runDiff(rest, io);
      case 'token':
        return await runToken(rest, io);
      case 'scan':
        return await runScan(rest, io);
      case 'gateway':
        return await runGateway(rest, io);
      case 'help':
      case '--help':
      case '-h':
      case undefined:
        if (rest[0] === 'inspect') return await runInspect(['--help'], io);
        if (rest[0] === 'simulate') return await runSimulate(['--help'], io);
        if (rest[0] === 'routes') return await runRoutes(['--help'], io);
        if (rest[0] === 'http') return await runHttp(['--help'], io);
        if (rest[0] === 'explain') return await runExplain(['--help'], io);
        if (rest[0] === 'event') return await runEvent(['--help'], io);
        if (rest[0] === 'diff') return await runDiff(['--help'], io);
        if (rest[0] === 'token') return await runToken(['--help'], io);
        if (rest[0] === 'gateway') return await runGateway(['--help'], io);
        if (rest[0] === 'scan') return await runScan(['--help'], io);
        io.stdout(`${USAGE}\n`);
        return command === undefined ? EXIT.usage : EXIT.ok;
      case '--version':
        io.stdout(`${VERSION}\n`);
        return EXIT.ok;
      default:
        throw new UsageError(`unknown command "${command.slice(0, 40)}" (try: authdbg help)`);
    }
  } catch (error) {
    io.stderr(`authdbg: ${errorLine(error)}\n`);
    return EXIT.usage;
  }
}

/** A usage error is one line: a message echoing hostile input cannot add lines of its own. */
function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return escapeForTerminal(error instanceof UsageError ? message : `internal error: ${message}`);
}

/** The timeout option is needed before any command runs, to build the key store. */
function timeoutFromArgv(argv: string[]): number {
  const index = argv.findIndex((arg) => arg === '--timeout-ms' || arg.startsWith('--timeout-ms='));
  if (index === -1) return 5000;
  const arg = argv[index] ?? '';
  const raw = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : (argv[index + 1] ?? '');
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1000 || value > 30000) {
    throw new UsageError('--timeout-ms must be an integer between 1000 and 30000');
  }
  return value;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('no TOKEN given and standard input is a terminal (pipe a token, or pass it)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_INPUT_BYTES) {
      throw new UsageError(
        `standard input is larger than ${MAX_INPUT_BYTES / 1024} KiB; the limit is ${MAX_INPUT_BYTES / 1024} KiB`,
      );
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function run(): Promise<void> {
  const argv = process.argv.slice(2);
  let timeoutMs: number;
  try {
    timeoutMs = timeoutFromArgv(argv);
  } catch (error) {
    // Before any io exists: the same escaping the CliIo writer applies.
    process.stderr.write(escapeTerminalOutput(`authdbg: ${errorLine(error)}\n`));
    process.exitCode = EXIT.usage;
    return;
  }
  const io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin,
    readFileBytes,
    // --out files may hold tokens: owner-only.
    writeTextFile: (path, text) => writeFile(path, text, { encoding: 'utf8', mode: 0o600 }),
    nowMs: () => Date.now(),
    jsonPost: createJsonPost({ proxyEnv: process.env }),
    stderrIsTty: process.stderr.isTTY === true,
    stdinChunks: () => process.stdin,
    keys: createKeyStore({
      httpGet: createHttpGet({ proxyEnv: process.env }),
      now: () => Date.now(),
      timeoutMs,
    }),
  };
  process.exitCode = await main(argv, io);
}

if (require.main === module) void run();
