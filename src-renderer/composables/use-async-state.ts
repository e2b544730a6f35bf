// Loading and error state for a store's backend calls: the error keeps the backend's code and message so a
// view can show what went wrong in the backend's own words.
import { computed, ref, type Ref } from 'vue';
import { ApiError } from '../api';

export interface ShownError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error as a view shows it: the backend's code, message and details, or a plain message for anything else. */
export function toShownError(caught: unknown): ShownError {
  if (caught instanceof ApiError) return caught.details ? { code: caught.code, message: caught.message, details: caught.details } : { code: caught.code, message: caught.message };
  return { code: 'renderer.error', message: caught instanceof Error ? caught.message : String(caught) };
}

/**
 * `track` wraps an action (import, start, resume, …): it clears the last error and shows its own. `trackRead` wraps
 * a background read (a list refresh after an event, a panel's polling): its failure shows too, but its success does
 * not wipe an action's refusal off the screen — only the next action does.
 */
export function useAsyncState() {
  const actionsInFlight = ref(0);
  const readsInFlight = ref(0);
  const actionError = ref<ShownError | null>(null);
  const readError = ref<ShownError | null>(null);
  const loading = computed(() => actionsInFlight.value + readsInFlight.value > 0);
  const error = computed(() => actionError.value ?? readError.value);

  async function run<T>(work: () => Promise<T>, inFlight: Ref<number>, errorSlot: Ref<ShownError | null>): Promise<T | undefined> {
    inFlight.value++;
    errorSlot.value = null;
    try {
      return await work();
    } catch (caught) {
      errorSlot.value = toShownError(caught);
      return undefined;
    } finally {
      inFlight.value--;
    }
  }

  const track = <T>(work: () => Promise<T>) => run(work, actionsInFlight, actionError);
  const trackRead = <T>(work: () => Promise<T>) => run(work, readsInFlight, readError);

  return { loading, error, track, trackRead };
}
