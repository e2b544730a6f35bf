// The engine host starts with its JavaScript heap capped (src-main/host/engine-heap.ts), so the garbage a
// million-record run makes is collected before the host's memory passes 1 GB.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { engineHostHeapMib } from '../../src-main/host/engine-heap';
import { createEngineClient } from '../../src-main/host/engine-client';
import { forkHostSpawner } from '../../src-main/host/fork-host';

const engine = createEngineClient(forkHostSpawner());
afterAll(() => engine.dispose());

describe('the engine host heap', () => {
  it.runIf(fs.existsSync('/proc/self/cmdline'))('is started with the heap cap as a V8 flag', async () => {
    await engine.run({ kind: 'ping', echo: 'heap' }).done;
    const pid = engine.hostPid();
    expect(pid).toBeTypeOf('number');
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(argv).toContain(`--max-old-space-size=${engineHostHeapMib}`);
  });
});
