// The chart colours of the theme the page shows, read from the theme stylesheet's CSS variables when a chart is
// drawn (theme.css holds the values; chart-option.ts names them), so the charts have no colours of their own.
import { computed, type ComputedRef } from 'vue';
import { paletteFrom, type ChartPalette } from '../../src-shared/charts/chart-option';
import { useSettingsStore } from '../stores/settings';

export function readPagePalette(root: Element): ChartPalette {
  const style = getComputedStyle(root);
  return paletteFrom((variable) => style.getPropertyValue(variable).trim());
}

/** The page's palette, read again whenever the theme changes. */
export function usePagePalette(): ComputedRef<ChartPalette> {
  const settings = useSettingsStore();
  return computed(() => {
    // A theme change flips the variables' values on the root element (the settings store sets it synchronously),
    // so reading the theme here is what makes the colours be read again.
    void settings.theme;
    return readPagePalette(document.documentElement);
  });
}
