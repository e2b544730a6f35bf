// A model served over the network (KServe v2 / Triton): the endpoint it is reached at and, per component role of its
// family, the server's model name and version. The import request, the workspace's `remote` column and the engine's
// model spec all use these schemas; an API key is never part of them, only the name of the variable that holds it.
import { z } from 'zod';
import type { ModelKind } from './models';

/** How to reach the server and how hard to use it. Unset limits take the engine client's defaults. */
export const RemoteEndpoint = z.strictObject({
  /**
   * The server's base URL, e.g. `https://triton.example:8000` (the v2 paths are added to it). A URL carrying a user
   * name, password, query or fragment is refused: a credential in it would be stored in the workspace.
   */
  url: z.url({ protocol: /^https?$/ }).refine((text) => {
    if (!URL.canParse(text)) return true; // z.url has refused it; zod runs refinements anyway
    const url = new URL(text);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'must not contain a user name, password, query or fragment; give a key through apiKeyEnv'),
  /** The environment variable holding the bearer key; the key itself is never stored. */
  apiKeyEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits and _)')
    .optional(),
  /** A PEM file of the certificate authority that signed the server's certificate. */
  caFile: z.string().min(1).optional(),
  /** Plain http to a host that is not a loopback address; off unless the auditor says so for this target. */
  allowInsecureHttp: z.boolean().optional(),
  timeoutMs: z.number().int().positive().max(3_600_000).optional(),
  retries: z.number().int().min(0).max(20).optional(),
  concurrency: z.number().int().positive().max(256).optional(),
  requestsPerSecond: z.number().positive().max(100_000).optional(),
  /** What one infer request costs, in the auditor's currency; the estimate before Start multiplies it out. */
  pricePerRequest: z.number().nonnegative().optional(),
});
export type RemoteEndpoint = z.infer<typeof RemoteEndpoint>;

/** One served model: its name on the server and, when the server keeps several, the version. */
export const RemoteComponent = z.strictObject({
  model: z.string().min(1),
  version: z.string().min(1).optional(),
});
export type RemoteComponent = z.infer<typeof RemoteComponent>;

/**
 * How a remote model is queried: KServe v2 inference on each component, or an image-variation API in the OpenAI
 * Images shape (`POST /v1/images/variations`), a diffusion target only ReDiffuse can query, as it queried DALL-E 2.
 */
export const RemoteProtocol = z.enum(['kserve-v2', 'image-variation']);
export type RemoteProtocol = z.infer<typeof RemoteProtocol>;

/** The one component role of an image-variation target: the API's `model` (e.g. "dall-e-2"). */
export const variationRole = 'variations';

/** A stored remote model: the endpoint and each component with the identity hash its metadata had at import. */
export const RemoteModelDescriptor = z.strictObject({
  /** Absent means 'kserve-v2', so rows stored before variation targets existed read back unchanged. */
  protocol: RemoteProtocol.optional(),
  endpoint: RemoteEndpoint,
  components: z.record(z.string(), RemoteComponent.extend({ identity: z.string().min(1) })),
});
export type RemoteModelDescriptor = z.infer<typeof RemoteModelDescriptor>;

/**
 * The roles each family serves remotely. The tokenizer of a CLIP pair stays a local file; a diffusion target is an
 * unconditional pixel denoiser (a VAE or a text encoder would be further servers, not supported yet).
 */
export const remoteRoles: Readonly<Record<ModelKind, readonly string[]>> = {
  classifier: ['model'],
  clip: ['image', 'text'],
  diffusion: ['denoiser'],
};

/** The descriptor's protocol, 'kserve-v2' when it names none. */
export function remoteProtocolOf(descriptor: Pick<RemoteModelDescriptor, 'protocol'>): RemoteProtocol {
  return descriptor.protocol ?? 'kserve-v2';
}

/** "model m (version v) at URL": how messages name a remote component. */
export function describeRemoteComponent(endpoint: Pick<RemoteEndpoint, 'url'>, component: RemoteComponent): string {
  return `model "${component.model}"${component.version ? ` version ${component.version}` : ''} at ${endpoint.url}`;
}
