// Imports a model served over the network (KServe v2 / Triton) as a target or null model: reads each component's
// readiness and metadata through the engine's client, builds the family configuration from the request and a local
// sidecar as an ONNX import does, runs the adapter's checks on the served inputs and outputs, and stores the
// endpoint, the component names and their identity hashes (never a key). Kinds a server cannot stand in for are
// refused, saying which: a combined CLIP model, reference and shadow sets, latent or conditional diffusion pipelines.
import fs from 'node:fs';
import path from 'node:path';
import type { ModelSummary } from '../../src-shared/contract/contract';
import { ModelRemoteImportRequest } from '../../src-shared/contract/contract';
import {
  describeRemoteComponent,
  remoteRoles,
  type RemoteComponent,
  type RemoteEndpoint,
  type RemoteModelDescriptor,
} from '../../src-shared/domain/remote-models';
import { MiaError } from '../common/errors';
import { parseWith } from '../common/parse';
import { createNoiseSchedule } from '../engine/diffusion/scheduler';
import { remoteTargetOf } from '../engine/jobs/remote-target-of';
import { createClassifier } from '../engine/models/classifier-adapter';
import { createClip } from '../engine/models/clip-adapter';
import { assertClipEncoderRoles, looksLike } from '../engine/models/clip-encoder-roles';
import {
  buildClassifierConfig,
  buildClipConfig,
  buildDiffusionConfig,
  ClassifierOverrides,
  ClipOverrides,
  DiffusionOverrides,
} from '../engine/models/config-from-sidecar';
import { createDenoiser } from '../engine/models/denoiser-adapter';
import { readModelJsonFile } from '../engine/models/model-json-file';
import type { OnnxModel } from '../engine/models/onnx-session';
import { loadTextTokenizer } from '../engine/models/text-tokenizer';
import { createHttpTransport } from '../engine/remote/http-transport';
import { describeRemoteModel, openKserveModel } from '../engine/remote/kserve-model';
import type { ModelIo } from '../workspace/models-repo';
import type { WorkspaceDb } from '../workspace/open-workspace';
import { hashModelFiles, resolveBeside } from './model-files';
import { insertSingleModel, ioOf, readSidecar } from './model-import';
import { remoteModelHash } from './remote-model-identity';
import { importVariationModel } from './variation-model-import';

type RemoteImport = ReturnType<typeof ModelRemoteImportRequest.parse>;

interface OpenedComponent {
  readonly component: RemoteComponent;
  readonly model: OnnxModel;
  readonly identity: string;
}

/** What the family's settings give: the stored configuration, the I/O per role and the local files to hash. */
interface FamilySettings {
  readonly config: unknown;
  readonly io: ModelIo;
  readonly localFiles: Record<string, string>;
}

const absolute = (file: string | undefined): string | null => (file === undefined ? null : path.resolve(file));

/** `env`: where the endpoint's apiKeyEnv is read (the app adds its stored key to this process's environment). */
export async function importRemoteModel(db: WorkspaceDb, request: unknown, env: NodeJS.ProcessEnv = process.env): Promise<ModelSummary> {
  const parsed = parseWith(ModelRemoteImportRequest, request, 'Remote model import request', 'model.bad-import-request');
  if (parsed.protocol === 'image-variation') return importVariationModel(db, parsed);
  checkComponentRoles(parsed);
  const opened: Record<string, OpenedComponent> = {};
  let settings: FamilySettings;
  try {
    for (const [role, component] of Object.entries(parsed.components)) opened[role] = await openComponent(parsed.endpoint, component, env);
    settings = familySettings(parsed, opened);
  } finally {
    await Promise.allSettled(Object.values(opened).map((entry) => entry.model.release()));
  }
  const { files } = await hashModelFiles(settings.localFiles);
  const remote: RemoteModelDescriptor = {
    endpoint: parsed.endpoint,
    components: Object.fromEntries(Object.entries(opened).map(([role, entry]) => [role, { ...entry.component, identity: entry.identity }])),
  };
  const firstComponent = Object.values(parsed.components)[0] as RemoteComponent;
  return insertSingleModel(
    db,
    {
      name: parsed.name ?? firstComponent.model,
      kind: parsed.kind,
      role: parsed.role,
      files,
      sha256: remoteModelHash(files, remote),
      config: settings.config,
      io: settings.io,
      trainedOn: null,
      remote,
    },
    parsed.allowDuplicate,
  );
}

/** Each family serves exactly its roles (remote-models.ts); anything else is refused, naming the roles it takes. */
function checkComponentRoles(request: RemoteImport): void {
  const expected = remoteRoles[request.kind];
  const given = Object.keys(request.components);
  const unknown = given.filter((role) => !expected.includes(role));
  const missing = expected.filter((role) => !given.includes(role));
  if (unknown.length === 0 && missing.length === 0) return;
  const combined = request.kind === 'clip' && given.includes('model');
  throw new MiaError(
    'remote.unsupported-component',
    `Remote ${request.kind} model at ${request.endpoint.url}: components takes exactly ${expected.map((role) => `"${role}"`).join(' and ')}` +
      (unknown.length ? `; ${unknown.map((role) => `"${role}"`).join(', ')} cannot be served remotely` : '') +
      (missing.length ? `; ${missing.map((role) => `"${role}"`).join(', ')} is missing` : '') +
      (combined ? ' (a combined CLIP model, one graph serving both encoders, is not supported remotely: serve the two encoders)' : '') +
      '.',
    { url: request.endpoint.url, expected: [...expected], given },
  );
}

async function openComponent(endpoint: RemoteEndpoint, component: RemoteComponent, env: NodeJS.ProcessEnv): Promise<OpenedComponent> {
  const target = remoteTargetOf(endpoint, component);
  const transport = createHttpTransport(target, { env });
  const { identity } = await describeRemoteModel(target, { transport });
  const model = await openKserveModel(target, { transport });
  return { component, model, identity };
}

function familySettings(request: RemoteImport, opened: Record<string, OpenedComponent>): FamilySettings {
  const what = (role: string): string => describeRemoteComponent(request.endpoint, (opened[role] as OpenedComponent).component);
  const model = (role: string): OnnxModel => (opened[role] as OpenedComponent).model;
  switch (request.kind) {
    case 'classifier': {
      const overrides = parseWith(
        ClassifierOverrides,
        request.config ?? {},
        'Remote classifier settings (config)',
        'model.bad-import-request',
      );
      const sidecar = readSidecar(absolute(request.sidecarPath), 'classifier');
      const config = buildClassifierConfig(sidecar, overrides, model('model'), what('model'));
      createClassifier(model('model'), config); // the shape, dtype and class-count checks of a local import
      return { config, io: { model: ioOf(model('model')) }, localFiles: {} };
    }
    case 'clip':
      return clipSettings(request, model('image'), model('text'), what);
    case 'diffusion':
      return diffusionSettings(request, model('denoiser'), what('denoiser'));
  }
}

function clipSettings(request: RemoteImport, image: OnnxModel, text: OnnxModel, what: (role: string) => string): FamilySettings {
  const tokenizerFile = absolute(request.tokenizerPath);
  if (!tokenizerFile) {
    throw new MiaError(
      'model.bad-import-request',
      `Remote CLIP model at ${request.endpoint.url}: tokenizerPath is needed; the tokenizer stays a local file.`,
    );
  }
  if (!fs.existsSync(tokenizerFile))
    throw new MiaError('model.file-missing', `Tokenizer ${tokenizerFile} does not exist.`, { file: tokenizerFile });
  const besideTokenizer = path.join(path.dirname(tokenizerFile), 'tokenizer_config.json');
  const tokenizerConfigFile = absolute(request.tokenizerConfigPath) ?? (fs.existsSync(besideTokenizer) ? besideTokenizer : null);
  const overrides = parseWith(ClipOverrides, request.config ?? {}, 'Remote CLIP settings (config)', 'model.bad-import-request');
  const sidecars = {
    image: readSidecar(absolute(request.sidecarPath), 'clip'),
    text: readSidecar(absolute(request.textSidecarPath), 'clip'),
  };
  assertClipEncoderRoles(
    { file: what('image'), look: looksLike(image.inputs, sidecars.image?.kind), inputs: image.inputs },
    { file: what('text'), look: looksLike(text.inputs, sidecars.text?.kind), inputs: text.inputs },
  );
  const built = buildClipConfig(sidecars, overrides, image.inputs, what('image'));
  const tokenizer = loadTextTokenizer(tokenizerFile, tokenizerConfigFile, built.padTokenId);
  const adapter = createClip(image, text, built, tokenizer);
  const localFiles: Record<string, string> = { tokenizer: tokenizerFile };
  if (tokenizerConfigFile) localFiles.tokenizer_config = tokenizerConfigFile;
  return { config: { ...built, maxLength: adapter.maxLength }, io: { image: ioOf(image), text: ioOf(text) }, localFiles };
}

function diffusionSettings(request: RemoteImport, denoiser: OnnxModel, what: string): FamilySettings {
  const sidecarFile = absolute(request.sidecarPath);
  const sidecar = readSidecar(sidecarFile, 'diffusion');
  const schedulerFile =
    absolute(request.schedulerPath) ?? (sidecarFile && sidecar?.scheduler ? resolveBeside(sidecarFile, sidecar.scheduler) : null);
  if (!schedulerFile) {
    throw new MiaError(
      'model.bad-import-request',
      `Remote diffusion model at ${request.endpoint.url}: schedulerPath is needed (or a sidecar naming its scheduler); the scheduler stays a local file.`,
    );
  }
  const scheduler = readModelJsonFile(schedulerFile, 'Scheduler configuration', 'model.bad-scheduler');
  const overrides = parseWith(DiffusionOverrides, request.config ?? {}, 'Remote diffusion settings (config)', 'model.bad-import-request');
  const config = buildDiffusionConfig(sidecar, scheduler, overrides, denoiser.inputs, what);
  if (config.pixelShape || config.vaeScalingFactor !== undefined || config.conditioning) {
    throw new MiaError(
      'remote.unsupported-kind',
      `${what}: only an unconditional pixel-space denoiser can be a remote diffusion target; latent pipelines (with a VAE) and class- or text-conditional ones are not supported remotely yet. Import the pipeline folder as a local model.`,
      { url: request.endpoint.url },
    );
  }
  createDenoiser(denoiser, config, createNoiseSchedule(config.scheduler, config.predictionType));
  return { config, io: { denoiser: ioOf(denoiser) }, localFiles: { scheduler: schedulerFile } };
}
