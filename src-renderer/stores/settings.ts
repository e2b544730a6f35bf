// Renderer preferences kept in the browser's storage: the colour theme.
import { defineStore } from 'pinia';
import { ref, watch } from 'vue';

export type Theme = 'light' | 'dark';
const storageKey = 'mia.theme';

export const useSettingsStore = defineStore('settings', () => {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(storageKey);
  const theme = ref<Theme>(stored === 'dark' ? 'dark' : 'light');

  watch(
    theme,
    (value) => {
      if (typeof document !== 'undefined') document.documentElement.dataset.theme = value;
      if (typeof localStorage !== 'undefined') localStorage.setItem(storageKey, value);
    },
    // Synchronous: the charts read their colours from the page's variables as soon as the theme changes.
    { immediate: true, flush: 'sync' },
  );

  function toggleTheme(): void {
    theme.value = theme.value === 'light' ? 'dark' : 'light';
  }

  return { theme, toggleTheme };
});
