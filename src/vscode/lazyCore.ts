// Loads dist/simulatorCore.js the first time the simulator needs it, keeping activation light.
import type * as SimulatorCore from './simulatorCore.ts';

let loading: Promise<typeof SimulatorCore> | undefined;

/** The simulator's core functions (separate bundle, kept external by scripts/build.mjs). */
export function simulatorCore(): Promise<typeof SimulatorCore> {
  loading ??= import('./simulatorCore.js');
  return loading;
}
