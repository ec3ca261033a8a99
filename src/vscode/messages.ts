// Validation of everything a webview sends: shapes are checked before use, unknown messages are ignored.
// Only own properties are read, so nothing inherited (a polluted Object.prototype) can fill in a field.
import {
  MAX_MESSAGE_TEXT,
  type InspectorToHost,
  type SimulateRequest,
  type SimulatorForm,
  type SimulatorToHost,
  type WhatIf,
} from '../shared/protocol.ts';

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** An own property of a message object, or undefined. */
function field(bag: Bag, key: string): unknown {
  return Object.hasOwn(bag, key) ? bag[key] : undefined;
}

function text(value: unknown, max = MAX_MESSAGE_TEXT): string | undefined {
  return typeof value === 'string' && value.length <= max ? value : undefined;
}

function index(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 1000
    ? value
    : undefined;
}

function lineNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 10_000_000
    ? value
    : undefined;
}

function shortList(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length > 100) return undefined;
  const out: string[] = [];
  for (const entry of value) {
    const item = text(entry, 1024);
    if (item === undefined) return undefined;
    out.push(item);
  }
  return out;
}

function whatIf(value: unknown): WhatIf | undefined | null {
  if (value === undefined) return undefined;
  if (!isBag(value)) return null;
  const addGroups = shortList(field(value, 'addGroups'));
  const addScopes = shortList(field(value, 'addScopes'));
  const claims = field(value, 'setClaims');
  if (!addGroups || !addScopes || !Array.isArray(claims) || claims.length > 100) return null;
  const setClaims: WhatIf['setClaims'] = [];
  for (const entry of claims as unknown[]) {
    if (!isBag(entry)) return null;
    const name = text(field(entry, 'name'), 256);
    const claim = text(field(entry, 'value'), 8192);
    if (name === undefined || claim === undefined) return null;
    setClaims.push({ name, value: claim });
  }
  return { addGroups, addScopes, setClaims };
}

function simulateRequest(value: unknown): SimulateRequest | undefined {
  if (!isBag(value)) return undefined;
  const token = text(field(value, 'token'));
  const configId = text(field(value, 'configId'), 4096);
  const request = text(field(value, 'request'), 4096);
  const named = field(value, 'authorizer');
  const authorizer = named === undefined ? undefined : text(named, 256);
  const edits = whatIf(field(value, 'whatIf'));
  if (token === undefined || configId === undefined || request === undefined || edits === null)
    return undefined;
  if (named !== undefined && authorizer === undefined) return undefined;
  return { token, configId, request, authorizer, whatIf: edits };
}

/**
 * The `type` of a message object, typed as the union the caller switches over; unknown strings fall through to
 * the switch's `never` default, which rejects them.
 */
function messageType<T extends string>(message: unknown): T | undefined {
  if (!isBag(message)) return undefined;
  const type = field(message, 'type');
  return typeof type === 'string' ? (type as T) : undefined;
}

/** A message from the Inspector, or undefined when it is malformed or unknown. */
export function parseInspectorMessage(message: unknown): InspectorToHost | undefined {
  const type = messageType<InspectorToHost['type']>(message);
  if (!isBag(message) || type === undefined) return undefined;
  switch (type) {
    case 'ready':
    case 'verifyAgain':
    case 'reloadKeys':
      return { type };
    case 'copy': {
      const value = text(field(message, 'text'));
      return value === undefined ? undefined : { type, text: value };
    }
    case 'simulate': {
      const at = index(field(message, 'index'));
      return at === undefined ? undefined : { type, index: at };
    }
    case 'compare': {
      const at = index(field(message, 'index'));
      const value = text(field(message, 'text'));
      return at === undefined || value === undefined ? undefined : { type, index: at, text: value };
    }
    default:
      return ignore(type);
  }
}

/** A message from the Simulator view, or undefined when it is malformed or unknown. */
export function parseSimulatorMessage(message: unknown): SimulatorToHost | undefined {
  const type = messageType<SimulatorToHost['type']>(message);
  if (!isBag(message) || type === undefined) return undefined;
  switch (type) {
    case 'ready':
    case 'createSampleConfig':
    case 'rescan':
      return { type };
    case 'simulate': {
      const request = simulateRequest(field(message, 'request'));
      return request === undefined ? undefined : { type, request };
    }
    case 'openConfig': {
      const configId = text(field(message, 'configId'), 4096);
      const rawLine = field(message, 'line');
      const line = rawLine === undefined ? undefined : lineNumber(rawLine);
      if (configId === undefined) return undefined;
      if (rawLine !== undefined && line === undefined) return undefined;
      return { type, configId, line };
    }
    case 'inspect': {
      const token = text(field(message, 'token'));
      return token === undefined ? undefined : { type, token };
    }
    case 'copyEvent':
      return { type };
    case 'form': {
      const form = simulatorForm(field(message, 'form'));
      return form === undefined ? undefined : { type, form };
    }
    case 'pickHistory': {
      const id = historyId(field(message, 'id'));
      return id === undefined ? undefined : { type, id };
    }
    default:
      return ignore(type);
  }
}

function historyId(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** The simulator's form: every field a bounded string, nothing else read. */
function simulatorForm(value: unknown): SimulatorForm | undefined {
  if (!isBag(value)) return undefined;
  const form: SimulatorForm = {
    token: '',
    configId: '',
    routeId: '',
    request: '',
    authorizer: '',
    addGroups: '',
    addScopes: '',
    setClaims: '',
  };
  const limits: Record<keyof SimulatorForm, number> = {
    token: MAX_MESSAGE_TEXT,
    configId: 4096,
    routeId: 4096,
    request: 4096,
    authorizer: 256,
    addGroups: 8192,
    addScopes: 8192,
    setClaims: 64 * 1024,
  };
  for (const key of Object.keys(limits) as (keyof SimulatorForm)[]) {
    const entry = text(field(value, key), limits[key]);
    if (entry === undefined) return undefined;
    form[key] = entry;
  }
  return form;
}

/** Exhaustiveness: a new message type that is not handled above fails to compile. */
function ignore(_type: never): undefined {
  return undefined;
}
