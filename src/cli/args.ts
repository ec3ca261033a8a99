// A small strict argument parser: unknown options are usage errors, never ignored.
import { UsageError } from './io.ts';

export interface OptionSpec {
  /** Takes a value (--name VALUE or --name=VALUE). */
  value: boolean;
  /** May be given several times. */
  repeat?: boolean;
}

export interface ParsedArgs {
  options: Map<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

/** Parse argv against a spec of long options; `-` alone is a positional (stdin). */
export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const option = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!option) throw new UsageError(`unknown option --${name}`);
    if (!option.value) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    const list = options.get(name) ?? [];
    if (list.length > 0 && !option.repeat) throw new UsageError(`--${name} given more than once`);
    list.push(value);
    options.set(name, list);
  }
  return { options, flags, positionals };
}

/** The single value of an option, if given. */
export function optionValue(args: ParsedArgs, name: string): string | undefined {
  return args.options.get(name)?.[0];
}

/** A finite number option, or a usage error naming the option. */
export function numberOption(args: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const raw = optionValue(args, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number between ${min} and ${max} (got ${JSON.stringify(raw)})`);
  }
  return value;
}
