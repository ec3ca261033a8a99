// `authdbg routes`: every route with its authorizer and requirements (what the sidebar lists).
import type { AuthorizerConfig, RouteConfig, SimConfig } from '../core/config/model.ts';
import { optionValue, parseArgs } from './args.ts';
import { escapeForTerminal } from '../core/textSafety.ts';
import { EXIT, terminalSafeIo } from './io.ts';
import type { CliIo } from './io.ts';
import { readConfigOption } from './simulateCommand.ts';

const SPEC = {
  config: { value: true },
  json: { value: false },
  'timeout-ms': { value: true },
  help: { value: false },
} as const;

/** Help text for `authdbg routes --help`. */
export const ROUTES_USAGE = `usage: authdbg routes --config FILE [--json]
  Lists the routes of authdebug.yaml / authdebug.json, or of a SAM, CloudFormation or OpenAPI file,
  with their authorizer, scopes and RBAC rules, and the traps noticed while reading.
exit status: 0 listed, 2 usage or configuration error`;

/** One route in the stable --json shape. */
export interface RouteJson {
  route: string;
  method: string;
  path: string;
  api: string | null;
  authorizer: string | null;
  authorizerType: RouteConfig['authorizerType'];
  scopes: string[];
  rbac: RouteConfig['rbac'] | null;
  source: { file: string; line: number } | null;
}

/** The stable --json document: {routes, authorizers, warnings}. */
export function routesJson(config: SimConfig): {
  routes: RouteJson[];
  authorizers: AuthorizerConfig[];
  warnings: SimConfig['warnings'];
} {
  return {
    routes: config.routes.map((r) => ({
      route: r.route,
      method: r.method,
      path: r.path,
      api: r.api ?? null,
      authorizer: r.authorizer,
      authorizerType: r.authorizerType,
      scopes: r.scopes,
      rbac: r.rbac ?? null,
      source: r.source ?? null,
    })),
    authorizers: Object.values(config.authorizers),
    warnings: config.warnings,
  };
}

function rbacText(route: RouteConfig): string {
  const rbac = route.rbac;
  if (!rbac) return '';
  const parts: string[] = [];
  if (rbac.groups?.length) parts.push(`groups any of ${rbac.groups.join(',')}`);
  if (rbac.allGroups?.length) parts.push(`groups all of ${rbac.allGroups.join(',')}`);
  if (rbac.scopes?.length) parts.push(`scopes any of ${rbac.scopes.join(',')}`);
  for (const [name, value] of Object.entries(rbac.claims ?? {})) {
    parts.push(`${name}=${Array.isArray(value) ? value.join('|') : value}`);
  }
  return parts.join('; ');
}

/** The routes as a terminal table. */
export function renderRoutes(config: SimConfig): string {
  const rows = config.routes.map((r) => [
    r.method,
    r.path,
    r.api ?? '',
    r.authorizer === null ? r.authorizerType : `${r.authorizer} (${r.authorizerType})`,
    r.scopes.join(' '),
    rbacText(r),
    r.source ? `${r.source.file}:${r.source.line}` : '',
  ]);
  const header = ['METHOD', 'PATH', 'API', 'AUTHORIZER', 'SCOPES', 'RBAC', 'SOURCE'];
  const keep = header.map((_, i) => i !== 2 || rows.some((row) => row[i] !== ''));
  const table = [header, ...rows].map((row) => row.filter((_, i) => keep[i]).map(escapeForTerminal));
  const widths = (table[0] ?? []).map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  if (config.routes.length === 0) lines.push('(no routes)');
  if (config.warnings.length > 0) {
    lines.push('', 'Warnings');
    for (const w of config.warnings) lines.push(`  ! ${escapeForTerminal(w.message)}`);
  }
  return lines.join('\n');
}

/** Run `authdbg routes`. */
export async function runRoutes(argv: string[], given: CliIo): Promise<number> {
  const io = terminalSafeIo(given);
  const args = parseArgs(argv, SPEC);
  if (args.flags.has('help')) {
    io.stdout(`${ROUTES_USAGE}\n`);
    return EXIT.ok;
  }
  const config = await readConfigOption(optionValue(args, 'config'), io);
  if (args.flags.has('json')) io.stdout(`${JSON.stringify(routesJson(config), null, 2)}\n`);
  else io.stdout(`${renderRoutes(config)}\n`);
  return EXIT.ok;
}
