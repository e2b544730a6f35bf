// Loading and error state of the stores: an action's refusal stays until the next action, whatever background
// reads do meanwhile; a read's own failure shows while no action error does.
import { describe, expect, it } from 'vitest';
import { useAsyncState } from '../../../src-renderer/composables/use-async-state';

const fail = (message: string) => async (): Promise<never> => {
  throw new Error(message);
};
const succeed = async (): Promise<string> => 'ok';

describe('useAsyncState', () => {
  it("keeps an action's error through successful reads, and the next action clears it", async () => {
    const state = useAsyncState();
    expect(await state.track(fail('refused'))).toBeUndefined();
    expect(state.error.value?.message).toBe('refused');
    expect(await state.trackRead(succeed)).toBe('ok');
    expect(state.error.value?.message).toBe('refused');
    await state.track(succeed);
    expect(state.error.value).toBeNull();
  });

  it("shows a read's failure until a read succeeds, behind any action error", async () => {
    const state = useAsyncState();
    await state.trackRead(fail('list failed'));
    expect(state.error.value?.message).toBe('list failed');
    await state.track(fail('refused'));
    expect(state.error.value?.message).toBe('refused');
    await state.track(succeed);
    expect(state.error.value?.message).toBe('list failed');
    await state.trackRead(succeed);
    expect(state.error.value).toBeNull();
  });

  it('is loading while any call is in flight', async () => {
    const state = useAsyncState();
    let release!: () => void;
    const slow = state.trackRead(() => new Promise<void>((resolve) => (release = resolve)));
    const quick = state.track(succeed);
    expect(state.loading.value).toBe(true);
    await quick;
    expect(state.loading.value).toBe(true); // the read is still out
    release();
    await slow;
    expect(state.loading.value).toBe(false);
  });
});
