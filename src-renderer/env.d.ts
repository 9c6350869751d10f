/// <reference types="vite/client" />
import type { PreloadApi } from '@contract/preload-api';

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}

declare global {
  interface Window {
    /** Present only inside the Electron app (exposed by the preload). */
    facet?: PreloadApi;
  }
}
