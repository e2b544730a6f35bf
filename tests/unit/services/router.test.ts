import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src-main/services/backend';
import { forkHostSpawner } from '../../../src-main/host/fork-host';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();
// The router never needs the engine for these calls; the spawner is only invoked when a job starts.
const backend = createBackend({ workspaceFile: path.join(dir, 'router.sqlite'), spawnHost: () => forkHostSpawner('unused.js')() });
afterAll(() => backend.close());

describe('contract router', () => {
  it('answers a valid call with ok and data that fits the response schema', async () => {
    const result = await backend.router.dispatch('workspace.info', undefined);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.data).toMatchObject({ counts: { datasets: 0, runs: 0 } });
  });

  it('refuses a payload that fails its schema with a clear error naming the field', async () => {
    const result = await backend.router.dispatch('runs.get', { runId: 'seven' });
    expect(result).toMatchObject({ ok: false, error: { code: 'ipc.invalid-payload' } });
    if (!result.ok) expect(result.error.message).toMatch(/runId/);
  });

  it('refuses unknown fields instead of ignoring them', async () => {
    const result = await backend.router.dispatch('runs.get', { runId: 1, sql: 'DROP TABLE runs' });
    expect(result).toMatchObject({ ok: false, error: { code: 'ipc.invalid-payload' } });
  });

  it('refuses a channel that is not in the contract', async () => {
    const result = await backend.router.dispatch('fs.readFile', { path: '/etc/passwd' });
    expect(result).toMatchObject({ ok: false, error: { code: 'ipc.unknown-channel' } });
  });

  it('turns a handler error into its code and message', async () => {
    const result = await backend.router.dispatch('runs.get', { runId: 12345 });
    expect(result).toEqual({ ok: false, error: { code: 'run.not-found', message: 'There is no run with id 12345 in this workspace.' } });
  });

  it('refuses to start a run with an unknown attack before touching the workspace', async () => {
    const result = await backend.router.dispatch('runs.start', { attack: 'no-such-attack', targetModelId: 1, datasetId: 1 });
    expect(result).toMatchObject({ ok: false, error: { code: 'attack.unknown' } });
    expect((backend.db.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n).toBe(0);
  });
});
