// The contract's part for API keys of remote targets: a key is stored (in the app only) under the name of the
// environment variable a target's `apiKeyEnv` names, and no channel ever answers with a key, only with names.
import { z } from 'zod';

/** An environment variable name, as `apiKeyEnv` takes it: the name a key is stored and looked up under. */
export const ApiKeyName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits and _)')
  .max(128);

/**
 * Where this front door takes keys from. `encrypted`: the app's key store (Electron safeStorage), which holds the
 * listed names; `environment`: the headless host and the CLI store nothing and read the variable `apiKeyEnv` names
 * from their own environment.
 */
export const ApiKeyStatus = z.object({
  storage: z.enum(['encrypted', 'environment']),
  names: z.array(ApiKeyName),
});
export type ApiKeyStatus = z.infer<typeof ApiKeyStatus>;

/** Stores (or replaces) a key. The key is checked in main (one line of printable ASCII) and never echoed back. */
export const ApiKeySetRequest = z.strictObject({ name: ApiKeyName, key: z.string().min(1).max(8192) });
export type ApiKeySetRequest = z.input<typeof ApiKeySetRequest>;

export const ApiKeyDeleteRequest = z.strictObject({ name: ApiKeyName });
export type ApiKeyDeleteRequest = z.input<typeof ApiKeyDeleteRequest>;
