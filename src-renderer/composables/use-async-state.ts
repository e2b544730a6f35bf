// Loading and error state for a store's backend calls: the error keeps the backend's code and message so a
// view can show what went wrong in the backend's own words.
import { ref } from 'vue';
import { ApiError } from '../api';

export interface ShownError {
  code: string;
  message: string;
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
      error.value = caught instanceof ApiError ? { code: caught.code, message: caught.message } : { code: 'renderer.error', message: String(caught) };
      return undefined;
    } finally {
      loading.value = false;
    }
  }

  return { loading, error, track };
}
