// Validation of everything a webview sends: shapes are checked before use, unknown messages are ignored.
import {
  MAX_MESSAGE_TEXT,
  type InspectorToHost,
  type SimulateRequest,
  type SimulatorToHost,
  type WhatIf,
} from '../shared/protocol.ts';

type Bag = Record<string, unknown>;

function isBag(value: unknown): value is Bag {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
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
  const addGroups = shortList(value.addGroups);
  const addScopes = shortList(value.addScopes);
  if (!addGroups || !addScopes || !Array.isArray(value.setClaims) || value.setClaims.length > 100)
    return null;
  const setClaims: WhatIf['setClaims'] = [];
  for (const entry of value.setClaims) {
    if (!isBag(entry)) return null;
    const name = text(entry.name, 256);
    const claim = text(entry.value, 8192);
    if (name === undefined || claim === undefined) return null;
    setClaims.push({ name, value: claim });
  }
  return { addGroups, addScopes, setClaims };
}

function simulateRequest(value: unknown): SimulateRequest | undefined {
  if (!isBag(value)) return undefined;
  const token = text(value.token);
  const configId = text(value.configId, 4096);
  const request = text(value.request, 4096);
  const authorizer = value.authorizer === undefined ? undefined : text(value.authorizer, 256);
  const edits = whatIf(value.whatIf);
  if (token === undefined || configId === undefined || request === undefined || edits === null)
    return undefined;
  if (value.authorizer !== undefined && authorizer === undefined) return undefined;
  return { token, configId, request, authorizer, whatIf: edits };
}

/** A message from the Inspector, or undefined when it is malformed or unknown. */
export function parseInspectorMessage(message: unknown): InspectorToHost | undefined {
  if (!isBag(message) || typeof message.type !== 'string') return undefined;
  const type = message.type as InspectorToHost['type'];
  switch (type) {
    case 'ready':
    case 'verifyAgain':
    case 'reloadKeys':
      return { type };
    case 'copy': {
      const value = text(message.text);
      return value === undefined ? undefined : { type, text: value };
    }
    case 'simulate': {
      const at = index(message.index);
      return at === undefined ? undefined : { type, index: at };
    }
    default:
      return ignore(type);
  }
}

/** A message from the Simulator view, or undefined when it is malformed or unknown. */
export function parseSimulatorMessage(message: unknown): SimulatorToHost | undefined {
  if (!isBag(message) || typeof message.type !== 'string') return undefined;
  const type = message.type as SimulatorToHost['type'];
  switch (type) {
    case 'ready':
    case 'createSampleConfig':
    case 'rescan':
      return { type };
    case 'simulate': {
      const request = simulateRequest(message.request);
      return request === undefined ? undefined : { type, request };
    }
    case 'openConfig': {
      const configId = text(message.configId, 4096);
      const line = message.line === undefined ? undefined : lineNumber(message.line);
      if (configId === undefined) return undefined;
      if (message.line !== undefined && line === undefined) return undefined;
      return { type, configId, line };
    }
    case 'inspect': {
      const token = text(message.token);
      return token === undefined ? undefined : { type, token };
    }
    default:
      return ignore(type);
  }
}

/** Exhaustiveness: a new message type that is not handled above fails to compile. */
function ignore(_type: never): undefined {
  return undefined;
}
