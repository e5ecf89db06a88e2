/**
 * Deliberately broken targets: each breaks one invariant on some inputs, so the harness test
 * can prove every check bites (a harness that never fails proves nothing).
 */
import { LensError } from '../../base/errors';
import { MAX_READ_BYTES } from '../../base/limits';
import type { FuzzTarget } from './types';

const TRIGGER = 0x42;
/** Held on purpose so the memory check sees it after the run. */
const leaked: Uint8Array[] = [];

function planted(
  name: string,
  misbehave: (source: Parameters<FuzzTarget['run']>[1]) => Promise<unknown> | unknown,
): FuzzTarget {
  return {
    name,
    // One input in four triggers the fault; the others end in an ordinary LensError.
    generate: (prng) => {
      const trigger = prng.below(4) === 0;
      return { bytes: new Uint8Array([trigger ? TRIGGER : 0x00]), knob: 0, label: trigger ? 'trigger' : 'benign' };
    },
    run: async (input, source) => {
      if (input.bytes[0] !== TRIGGER) throw new LensError('unknown-format', { offset: 0, actual: '00' });
      return misbehave(source);
    },
  };
}

export function createTargets(): FuzzTarget[] {
  return [
    planted('planted-type-error', () => {
      const missing = undefined as unknown as { length: number };
      return missing.length;
    }),
    planted('planted-infinite-loop', () => {
      // A synchronous loop never yields: only terminating the worker stops it.
      for (;;) {
        /* spin */
      }
    }),
    planted('planted-unhandled-rejection', () => {
      void Promise.reject(new LensError('read-failed', { hint: 'nobody awaits this' }));
      return null;
    }),
    planted('planted-oversized-read', async (source) => {
      await source.read(0, MAX_READ_BYTES + 1).catch(() => undefined);
      return null;
    }),
    planted('planted-read-amplification', async (source) => {
      // Re-reads a companion file far past the limit, swallowing the refusals as a parser might.
      const companion = source.companion(new Uint8Array(4096));
      for (let i = 0; i < 1000; i += 1) await companion.read(0, 4096).catch(() => undefined);
      return null;
    }),
    planted('planted-internal-error', () => {
      throw new LensError('internal', { hint: 'a bug, reported as an error code' });
    }),
    planted('planted-memory', () => {
      leaked.push(new Uint8Array(300 * 1024 * 1024));
      return null;
    }),
  ];
}
