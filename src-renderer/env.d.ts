// Types the renderer gets from its hosts: `window.mia` from the Electron preload, and .vue modules.
import type { MiaBridge } from '../src-shared/contract/contract';

declare global {
  interface Window {
    mia?: MiaBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

export {};
