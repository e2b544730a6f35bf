// Types the renderer gets from its hosts: `window.mia` and `window.miaDrop` from the Electron preload, and .vue modules.
import type { MiaBridge } from '../src-shared/contract/contract';
import type { MiaDropBridge } from '../src-shared/contract/ipc-channels';

declare global {
  interface Window {
    mia?: MiaBridge;
    miaDrop?: MiaDropBridge;
  }
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

export {};
