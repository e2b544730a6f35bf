// Validates and dispatches contract calls: every front door (Electron IPC, WebSocket, tests) goes through here,
// so a payload is checked by the same schema whichever way it arrived.
import { channels, isChannel, type Channel, type ParsedRequestOf, type ResponseOf, type Result } from '../../src-shared/contract/contract';
import { MiaError, toErrorPayload } from '../common/errors';
import { parseWith } from '../common/parse';
import { workspaceErrorFrom } from '../workspace/sqlite-errors';

export type Handlers = {
  [C in Channel]: (request: ParsedRequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;
};

export interface Router {
  dispatch(channel: unknown, payload: unknown): Promise<Result<unknown>>;
}

export function createRouter(handlers: Handlers): Router {
  return {
    async dispatch(channel, payload) {
      try {
        if (!isChannel(channel)) {
          throw new MiaError('ipc.unknown-channel', `There is no backend task called ${JSON.stringify(channel)}.`);
        }
        const request = parseWith(channels[channel].request, payload, `Request for ${channel}`, 'ipc.invalid-payload');
        const handler = handlers[channel] as (request: unknown) => unknown;
        const data = await handler(request);
        // A response that breaks its own schema is our bug, not the caller's: say so plainly.
        return { ok: true, data: parseWith(channels[channel].response, data, `Response of ${channel}`, 'ipc.invalid-response') };
      } catch (error) {
        // Storage failures (a full disk, a locked or damaged workspace) become clear, coded errors.
        return { ok: false, error: toErrorPayload(workspaceErrorFrom(error)) };
      }
    },
  };
}
