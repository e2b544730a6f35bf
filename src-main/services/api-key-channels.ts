// The keys.* channels: the app's front door brings an encrypted key store and these channels use it; the headless
// host and the CLI bring none, so they list no names and refuse to store, pointing at the variable `apiKeyEnv` names.
import type { ApiKeyStatus } from '../../src-shared/contract/contract';
import { MiaError } from '../common/errors';
import type { ApiKeyStore } from './api-key-store';
import type { FrontDoor } from './front-door';
import type { Handlers } from './router';

type KeyHandlers = Pick<Handlers, 'keys.list' | 'keys.set' | 'keys.delete'>;

export function apiKeyHandlers(frontDoor: FrontDoor): KeyHandlers {
  const status = (store: ApiKeyStore | undefined): ApiKeyStatus =>
    store ? { storage: 'encrypted', names: store.names() } : { storage: 'environment', names: [] };
  const storeOf = (name: string): ApiKeyStore => {
    if (frontDoor.apiKeys) return frontDoor.apiKeys;
    throw new MiaError(
      'keys.not-offered',
      `This front door stores no API keys: set the environment variable ${name} where the host or the CLI is started, and name it as the target's apiKeyEnv.`,
      { name },
    );
  };
  return {
    'keys.list': () => status(frontDoor.apiKeys),
    'keys.set': ({ name, key }) => {
      const store = storeOf(name);
      store.set(name, key);
      return status(store);
    },
    'keys.delete': ({ name }) => {
      const store = storeOf(name);
      store.delete(name);
      return status(store);
    },
  };
}
