// The `mia serve` config file (serve.yaml): which ONNX models to serve over KServe v2, the diffusion target behind
// the image-variation endpoint, where the token comes from, and the request limits. Paths are relative to the file.
import path from 'node:path';
import { z } from 'zod';
import { MiaError } from '../../common/errors';
import { parseWith } from '../../common/parse';
import { plainYaml, readConfigText } from '../../common/plain-yaml';

// Names and versions become URL path segments, so they are kept to characters that need no escaping.
const urlSegment = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'use letters, digits, "_", "." and "-" only');

const ServedModel = z.strictObject({
  name: urlSegment,
  version: urlSegment.optional(),
  /** The ONNX file, relative to the config file. */
  onnx: z.string().min(1),
});

const VariationTarget = z
  .strictObject({
    /** A diffusers pipeline folder (latent: encoded with its VAE, denoised with the empty prompt). */
    pipeline: z.string().min(1).optional(),
    /** One pixel-space denoiser ONNX file with its sidecar JSON and scheduler.json beside it. */
    model: z.string().min(1).optional(),
    t: z.number().int().min(1).default(200).describe('Timestep the image is noised to.'),
    stride: z.number().int().min(1).default(50).describe('DDIM stride of the walk back to 0.'),
    maxVariations: z.number().int().min(1).max(10).default(4).describe('The largest n a request may ask for.'),
    maxSize: z.number().int().min(8).max(1024).default(256).describe('The largest width or height a request may ask for.'),
  })
  .refine((target) => (target.pipeline === undefined) !== (target.model === undefined), {
    message: 'give exactly one of pipeline (a pipeline folder) or model (one denoiser ONNX file)',
  });

export const ServeConfig = z.strictObject({
  /** The environment variable holding the bearer token; without it a token is generated at start. */
  tokenEnv: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
    .optional(),
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(256 * 1024 * 1024)
    .default(16 * 1024 * 1024),
  models: z.array(ServedModel).default([]),
  variations: VariationTarget.optional(),
});
export type ServeConfig = z.output<typeof ServeConfig>;
export type ServedModelConfig = ServeConfig['models'][number];
export type VariationTargetConfig = NonNullable<ServeConfig['variations']>;

/** Reads and checks serve.yaml; every path in the result is absolute. */
export function readServeConfig(file: string): ServeConfig {
  const absolute = path.resolve(file);
  const text = readConfigText(absolute, 'serve config');
  const config = parseWith(ServeConfig, plainYaml(text, `The serve config ${absolute}`), `Serve config ${absolute}`, 'config.invalid');
  const seen = new Set<string>();
  config.models.forEach((model, index) => {
    const key = `${model.name}/${model.version ?? ''}`;
    if (seen.has(key)) {
      throw new MiaError(
        'config.invalid',
        `Serve config ${absolute}: models[${index}]: the name "${model.name}"${model.version ? ` with version "${model.version}"` : ''} is served twice.`,
      );
    }
    seen.add(key);
  });
  const base = path.dirname(absolute);
  const resolve = (relative: string) => path.resolve(base, relative);
  return {
    ...config,
    models: config.models.map((model) => ({ ...model, onnx: resolve(model.onnx) })),
    ...(config.variations
      ? {
          variations: {
            ...config.variations,
            ...(config.variations.pipeline ? { pipeline: resolve(config.variations.pipeline) } : {}),
            ...(config.variations.model ? { model: resolve(config.variations.model) } : {}),
          },
        }
      : {}),
  };
}
