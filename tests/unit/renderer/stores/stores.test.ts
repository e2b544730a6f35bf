// The Pinia stores against a real backend through the in-process bridge.
import { createPinia, setActivePinia } from 'pinia';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { useBridge } from '../../../../src-renderer/api';
import { useDatasetsStore } from '../../../../src-renderer/stores/datasets';
import { useModelsStore } from '../../../../src-renderer/stores/models';
import { useRunsStore } from '../../../../src-renderer/stores/runs';
import { useSettingsStore } from '../../../../src-renderer/stores/settings';
import { useWorkspaceStore } from '../../../../src-renderer/stores/workspace';
import { createTestBackend } from '../../../helpers/in-process-bridge';
import { makeTempDir } from '../../../helpers/temp-dir';

const { backend, bridge } = createTestBackend(makeTempDir());
afterAll(() => backend.close());
beforeEach(() => {
  setActivePinia(createPinia());
  useBridge(bridge);
});

describe('renderer stores', () => {
  it('workspace store loads the workspace facts', async () => {
    const store = useWorkspaceStore();
    await store.refresh();
    expect(store.error).toBeNull();
    expect(store.info?.counts.datasets).toBe(0);
  });

  it('datasets store marks an empty workspace as loaded with no datasets', async () => {
    const store = useDatasetsStore();
    expect(store.loaded).toBe(false);
    await store.refresh();
    expect(store.loaded).toBe(true);
    expect(store.datasets).toEqual([]);
  });

  it('models store lists the models the workspace holds', async () => {
    backend.db
      .prepare(
        "INSERT INTO models (name, kind, role, files, sha256, config, io, created_at) VALUES ('cnn', 'classifier', 'target', '{}', 'abc', '{}', '{}', '2026-01-01T00:00:00Z')",
      )
      .run();
    const store = useModelsStore();
    await store.refresh();
    expect(store.models.map((m) => m.name)).toEqual(['cnn']);
  });

  it('runs store keeps the backend error code and message when a start is refused', async () => {
    const store = useRunsStore();
    const run = await store.start({ attack: 'no-such-attack', targetModelId: 1, datasetId: 1 });
    expect(run).toBeUndefined();
    expect(store.error?.code).toBe('attack.unknown');
    expect(store.error?.message).toMatch(/no-such-attack/);
  });

  it('settings store toggles the theme', () => {
    const store = useSettingsStore();
    const before = store.theme;
    store.toggleTheme();
    expect(store.theme).not.toBe(before);
  });
});
