// zod schemas of the Open Inference Protocol's (KServe v2) REST messages as they are on the wire, from the
// specification's "HTTP/REST" section; tensor `data` stays `unknown` here and is checked by kserve-v2-codec.ts.
import { z } from 'zod';
import { KserveDatatypeSchema } from './kserve-v2-datatypes';

/** `$parameters`: an object of named bool, number or string values. */
export const KserveParametersSchema = z.record(z.string(), z.union([z.boolean(), z.number(), z.string()]));
export type KserveParameters = z.infer<typeof KserveParametersSchema>;

/** `GET /v2` */
export const ServerMetadataSchema = z.object({
  name: z.string(),
  version: z.string(),
  extensions: z.array(z.string()),
});
export type ServerMetadata = z.infer<typeof ServerMetadataSchema>;

/** `$metadata_tensor`: -1 in a shape is a free dimension (usually the batch). */
export const MetadataTensorSchema = z.object({
  name: z.string().min(1),
  datatype: KserveDatatypeSchema,
  shape: z.array(z.number().int().min(-1)),
});
export type MetadataTensor = z.infer<typeof MetadataTensorSchema>;

/** `GET /v2/models/{name}[/versions/{version}]` */
export const ModelMetadataSchema = z.object({
  name: z.string().min(1),
  versions: z.array(z.string()).optional(),
  platform: z.string(),
  inputs: z.array(MetadataTensorSchema),
  outputs: z.array(MetadataTensorSchema),
});
export type ModelMetadata = z.infer<typeof ModelMetadataSchema>;

/** One tensor of a request or response, before its data is checked against its shape and datatype. */
export const WireTensorSchema = z.object({
  name: z.string().min(1),
  shape: z.array(z.number().int().min(0)),
  datatype: KserveDatatypeSchema,
  parameters: KserveParametersSchema.optional(),
  /** Absent when the tensor travels in the binary section (`parameters.binary_data_size`). */
  data: z.unknown().optional(),
});
export type WireTensor = z.infer<typeof WireTensorSchema>;

/** `$request_output` */
export const RequestedOutputSchema = z.object({
  name: z.string().min(1),
  parameters: KserveParametersSchema.optional(),
});
export type RequestedOutput = z.infer<typeof RequestedOutputSchema>;

/** `$inference_request` (the JSON part, which is the whole body unless binary tensors follow it) */
export const WireInferRequestSchema = z.object({
  id: z.string().optional(),
  parameters: KserveParametersSchema.optional(),
  inputs: z.array(WireTensorSchema).min(1),
  outputs: z.array(RequestedOutputSchema).optional(),
});
export type WireInferRequest = z.infer<typeof WireInferRequestSchema>;

/** `$inference_response` */
export const WireInferResponseSchema = z.object({
  model_name: z.string(),
  model_version: z.string().optional(),
  id: z.string().optional(),
  parameters: KserveParametersSchema.optional(),
  outputs: z.array(WireTensorSchema),
});
export type WireInferResponse = z.infer<typeof WireInferResponseSchema>;

/** `$inference_error_response` and every other failure body. */
export const ErrorBodySchema = z.object({ error: z.string() });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
