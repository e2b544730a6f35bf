// Calls through a backend's router as a front door would: `call` returns the data or throws with the refusal's
// code; `refusal` expects a refusal and returns its code.
import type { Channel, RequestOf, ResponseOf } from '../../src-shared/contract/contract';
import type { Backend } from '../../src-main/services/backend';

export function contractCalls(backend: Backend): {
  call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>>;
  refusal(channel: Channel, request: unknown): Promise<string>;
} {
  return {
    async call<C extends Channel>(channel: C, request?: RequestOf<C>): Promise<ResponseOf<C>> {
      const result = await backend.router.dispatch(channel, request);
      if (!result.ok) throw Object.assign(new Error(`${result.error.code}: ${result.error.message}`), { code: result.error.code });
      return result.data as ResponseOf<C>;
    },
    async refusal(channel, request) {
      const result = await backend.router.dispatch(channel, request);
      if (result.ok) throw new Error(`${channel} was expected to fail`);
      return result.error.code;
    },
  };
}
