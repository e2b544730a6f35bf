// The stores' one way of calling the backend: loading and error state for each call, where the error keeps the
// backend's code and message so a view can show what went wrong in the backend's own words.
import { computed, ref, type Ref } from 'vue';
import { ApiError } from '../api';

export interface ShownError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error as a view shows it: the backend's code, message and details, or a plain message for anything else. */
export function toShownError(caught: unknown): ShownError {
  if (caught instanceof ApiError)
    return caught.details
      ? { code: caught.code, message: caught.message, details: caught.details }
      : { code: caught.code, message: caught.message };
  return { code: 'renderer.error', message: caught instanceof Error ? caught.message : String(caught) };
}

/** What a call gave: its value, or its error as shown. */
export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ShownError };

/**
 * Runs one call and never throws: for results that keep their own error beside them (an estimate per attack, a
 * refusal per started run) rather than in a store's `error`. `track` and `trackRead` are built on it.
 */
export async function attempt<T>(work: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (caught) {
    return { ok: false, error: toShownError(caught) };
  }
}

/**
 * `track` wraps an action (import, start, resume, …): it clears the last error and shows its own. `trackRead` wraps
 * a background read (a list refresh after an event, a panel's polling): its failure shows too, but its success does
 * not wipe an action's refusal off the screen — only the next action does. A store that needs an error shown apart
 * from its main one (an import form's, the Settings view's) takes a second `useAsyncState()`.
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
      const result = await attempt(work);
      if (result.ok) return result.value;
      errorSlot.value = result.error;
      return undefined;
    } finally {
      inFlight.value--;
    }
  }

  const track = <T>(work: () => Promise<T>) => run(work, actionsInFlight, actionError);
  const trackRead = <T>(work: () => Promise<T>) => run(work, readsInFlight, readError);

  return { loading, error, track, trackRead };
}
