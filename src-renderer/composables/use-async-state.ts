// Loading and error state for a store's backend calls: the error keeps the backend's code and message so a
// view can show what went wrong in the backend's own words.
import { ref } from 'vue';
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

export function useAsyncState() {
  const loading = ref(false);
  const error = ref<ShownError | null>(null);

  async function track<T>(work: () => Promise<T>): Promise<T | undefined> {
    loading.value = true;
    error.value = null;
    try {
      return await work();
    } catch (caught) {
      error.value = toShownError(caught);
      return undefined;
    } finally {
      loading.value = false;
    }
  }

  return { loading, error, track };
}
