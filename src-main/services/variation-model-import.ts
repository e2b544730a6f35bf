// Imports a diffusion target that is an image-variation API (the OpenAI Images shape, DALL-E 2 in the seed paper):
// only ReDiffuse runs on it, through requests for variations. Such an API publishes no metadata, so nothing is sent
// at import; the stored identity is the protocol, endpoint and model name, and the first run meets the server. The
// stored configuration takes any image size (each run sends records at its variationSize) and grey as RGB.
import type { ModelSummary } from '../../src-shared/contract/contract';
import type { ModelRemoteImportRequest } from '../../src-shared/contract/contract';
import { variationRole, type RemoteModelDescriptor } from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';
import { SchedulerConfig } from '../engine/diffusion/scheduler';
import { DiffusionConfig } from '../engine/models/model-config';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { insertSingleModel } from './model-import';
import { remoteModelHash } from './remote-model-identity';
import { variationComponentIdentity } from './variation-identity';

type ParsedRemoteImport = ReturnType<(typeof ModelRemoteImportRequest)['parse']>;

/** The nominal size stored with the model; runs choose their own (ReDiffuse's variationSize, 256 by default). */
const nominalSize = 256;

export function importVariationModel(db: WorkspaceDb, request: ParsedRemoteImport): ModelSummary {
  const where = `Image-variation target at ${request.endpoint.url}`;
  if (request.kind !== 'diffusion') {
    throw new MiaError(
      'remote.unsupported-kind',
      `${where}: an image-variation API is a diffusion target; kind "${request.kind}" cannot be one.`,
    );
  }
  const roles = Object.keys(request.components);
  const component = request.components[variationRole];
  if (!component || roles.length !== 1) {
    throw new MiaError(
      'remote.unsupported-component',
      `${where}: components takes exactly "${variationRole}" (the API's model, e.g. { "model": "dall-e-2" }); got ${roles.map((role) => `"${role}"`).join(', ') || 'none'}.`,
    );
  }
  const given = ['sidecarPath', 'textSidecarPath', 'tokenizerPath', 'tokenizerConfigPath', 'schedulerPath'].filter(
    (field) => request[field as keyof ParsedRemoteImport] !== undefined,
  );
  if (given.length > 0 || (request.config && Object.keys(request.config).length > 0)) {
    throw new MiaError(
      'model.bad-import-request',
      `${where}: an image-variation API takes no ${[...given, ...(request.config ? ['config'] : [])].join(', ')}; it needs only the endpoint and the model name.`,
    );
  }
  const remote: RemoteModelDescriptor = {
    protocol: 'image-variation',
    endpoint: request.endpoint,
    components: {
      [variationRole]: { ...component, identity: variationComponentIdentity(request.endpoint.url, component.model, component.version) },
    },
  };
  // The API's sampler is out of sight, so the scheduler is the schema's default and never used: the variation runtime
  // opens no denoiser (jobs/runtimes/variation-runtime.ts). The resize object makes every image size fit.
  const config = DiffusionConfig.parse({
    kind: 'diffusion',
    sampleShape: { channels: 3, height: nominalSize, width: nominalSize },
    preprocess: {
      width: nominalSize,
      height: nominalSize,
      channels: 3,
      resize: { resizeTo: { width: nominalSize, height: nominalSize } },
      scale: 2 / 255,
      mean: [1],
      std: [1],
      expandGrey: true,
    },
    scheduler: SchedulerConfig.parse({}),
  });
  return insertSingleModel(
    db,
    {
      name: request.name ?? component.model,
      kind: 'diffusion',
      role: request.role,
      files: {},
      sha256: remoteModelHash({}, remote),
      config,
      io: {},
      trainedOn: null,
      remote,
    },
    request.allowDuplicate,
  );
}
