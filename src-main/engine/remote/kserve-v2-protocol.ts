// The Open Inference Protocol (KServe v2) as the workbench speaks it, for both ends: the remote-model client and
// `mia serve`. Import protocol names from here; the files it gathers each hold one part.
export {
  KserveDatatypeSchema,
  allocateValues,
  binaryElementSize,
  kserveDatatypeOfOrt,
  kserveDatatypes,
  ortDtypeOf,
  type KserveDatatype,
  type TensorValues,
} from './kserve-v2-datatypes';
export {
  ErrorBodySchema,
  KserveParametersSchema,
  MetadataTensorSchema,
  ModelMetadataSchema,
  RequestedOutputSchema,
  ServerMetadataSchema,
  WireInferRequestSchema,
  WireInferResponseSchema,
  WireTensorSchema,
  type ErrorBody,
  type KserveParameters,
  type MetadataTensor,
  type ModelMetadata,
  type RequestedOutput,
  type ServerMetadata,
  type WireInferRequest,
  type WireInferResponse,
  type WireTensor,
} from './kserve-v2-messages';
export {
  binaryTensorDataExtension,
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  inferenceHeaderLengthHeader,
  wantsBinaryOutput,
  type EncodedMessage,
  type InferRequest,
  type InferResponse,
  type KserveTensor,
} from './kserve-v2-codec';
export { maxTensorElements } from './kserve-v2-tensor-data';
export { kservePaths, parseKservePath, type KserveRoute } from './kserve-v2-paths';
