// Writes tiny diffusers / Optimum-layout pipeline folders for tests (model_index.json, unet/ or transformer/ with the
// weights as external data, vae_encoder/, vae_decoder/, text_encoder/ + tokenizer/, scheduler/), with hand-built ONNX
// components whose outputs are known in closed form: the VAE is an exact reshape of a 1×16×16 image into 4×8×8
// latents and back, and the denoiser is ε = factor · t · x (a DiT-style transformer adds labelWeight · y and returns
// 2·C channels, the second half a stand-in for the learned variance; a text UNet adds labelWeight · mean of the
// encoder hidden states, and its text encoder repeats each token id across the width). Options break one part at a
// time.
import fs from 'node:fs';
import path from 'node:path';
import { buildOnnxModel, elemType, writeOnnxWithExternalData, type NodeSpec, type ValueSpec } from '../unit/models/helpers/onnx-builder';

export interface PipelineFixtureOptions {
  /**
   * 'unconditional' (sample, timestep), 'class' (a DiT transformer/ taking class_labels, 10 classes), 'text'
   * (+ encoder_hidden_states [N, 77, 8] and a text encoder).
   */
  readonly conditioning?: 'unconditional' | 'class' | 'text';
  /** Leave num_classes out of a class-conditional folder's model_index.json. */
  readonly withoutNumClasses?: boolean;
  /** Channels the denoiser's sample declares (the VAE's latents have 4). */
  readonly denoiserChannels?: number;
  /** Width of the text encoder's last_hidden_state (the denoiser's encoder_hidden_states is 8 wide). */
  readonly textWidth?: number;
  /** Leave the tokenizer folder out. */
  readonly withoutTokenizer?: boolean;
  /** Where the denoiser's external weights go, relative to unet/ (default model.onnx_data beside it). */
  readonly weightsLocation?: string;
  readonly scalingFactor?: number;
}

const latent = { channels: 4, size: 8 };
export const fixtureFactor = 0.0005;
/** ε of the class-conditional fixture: factor · t · x + labelWeight · y (y = numClasses for the null class). */
export const fixtureLabelWeight = 0.01;
export const fixtureClasses = 10;
const hiddenWidth = 8;

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** A reshape from `from` to `to` (both [batch, …]), named as the VAE's Optimum export names its input and output. */
function writeReshape(file: string, input: ValueSpec, output: ValueSpec): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const target = [-1, ...output.shape.slice(1).map(Number)];
  fs.writeFileSync(
    file,
    buildOnnxModel({
      inputs: [input],
      outputs: [output],
      initializers: [{ name: 'shape', type: 'int64', dims: [4], values: target }],
      nodes: [{ op: 'Reshape', inputs: [input.name, 'shape'], outputs: [output.name] }],
    }),
  );
}

function writeDenoiser(folder: string, options: PipelineFixtureOptions): void {
  const channels = options.denoiserChannels ?? latent.channels;
  const dit = options.conditioning === 'class';
  const text = options.conditioning === 'text';
  const sampleName = dit ? 'hidden_states' : 'sample';
  const inputs: ValueSpec[] = [
    { name: sampleName, type: 'float32', shape: ['batch', channels, latent.size, latent.size] },
    { name: 'timestep', type: 'int64', shape: ['batch'] },
  ];
  if (options.conditioning === 'text') inputs.push({ name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, hiddenWidth] });
  if (dit) inputs.push({ name: 'class_labels', type: 'int64', shape: ['batch'] });
  const file = path.join(folder, dit ? 'transformer' : 'unet', 'model.onnx');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const epsilon: NodeSpec[] = [
    { op: 'Cast', inputs: ['timestep'], outputs: ['t_float'], intAttributes: { to: elemType.float32 } },
    { op: 'Reshape', inputs: ['t_float', 'column'], outputs: ['t_column'] },
    { op: 'Mul', inputs: [sampleName, 't_column'], outputs: ['scaled'] },
    { op: 'Mul', inputs: ['scaled', 'factor'], outputs: [dit || text ? 'unlabelled' : 'out_sample'] },
  ];
  // mean(h) per sample, as a [N, 616] · [616, 1] product, times labelWeight.
  const prompted: NodeSpec[] = [
    { op: 'Reshape', inputs: ['encoder_hidden_states', 'flat'], outputs: ['h_flat'] },
    { op: 'MatMul', inputs: ['h_flat', 'mean_weights'], outputs: ['h_mean'] },
    { op: 'Reshape', inputs: ['h_mean', 'column'], outputs: ['h_column'] },
    { op: 'Add', inputs: ['unlabelled', 'h_column'], outputs: ['out_sample'] },
  ];
  const labelled: NodeSpec[] = [
    { op: 'Cast', inputs: ['class_labels'], outputs: ['y_float'], intAttributes: { to: elemType.float32 } },
    { op: 'Reshape', inputs: ['y_float', 'column'], outputs: ['y_column'] },
    { op: 'Mul', inputs: ['y_column', 'label_weight'], outputs: ['y_term'] },
    { op: 'Add', inputs: ['unlabelled', 'y_term'], outputs: ['epsilon'] },
    { op: 'Neg', inputs: ['epsilon'], outputs: ['variance'] },
    { op: 'Concat', inputs: ['epsilon', 'variance'], outputs: ['out_sample'], intAttributes: { axis: 1 } },
  ];
  writeOnnxWithExternalData(file, {
    inputs,
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', dit ? 2 * channels : channels, latent.size, latent.size] }],
    initializers: [
      {
        name: 'factor',
        type: 'float32',
        dims: [],
        values: [fixtureFactor],
        external: { location: options.weightsLocation ?? 'model.onnx_data' },
      },
      { name: 'column', type: 'int64', dims: [4], values: [-1, 1, 1, 1] },
      ...(dit ? [{ name: 'label_weight', type: 'float32' as const, dims: [], values: [fixtureLabelWeight] }] : []),
      ...(text
        ? [
            { name: 'flat', type: 'int64' as const, dims: [2], values: [-1, 77 * hiddenWidth] },
            {
              name: 'mean_weights',
              type: 'float32' as const,
              dims: [77 * hiddenWidth, 1],
              values: new Array<number>(77 * hiddenWidth).fill(fixtureLabelWeight / (77 * hiddenWidth)),
            },
          ]
        : []),
    ],
    nodes: dit ? [...epsilon, ...labelled] : text ? [...epsilon, ...prompted] : epsilon,
  });
}

/** input_ids [N, 77] → last_hidden_state [N, 77, width]: each id repeated across the width (as floats). */
function writeTextEncoder(folder: string, width: number): void {
  const file = path.join(folder, 'text_encoder', 'model.onnx');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(
    file,
    buildOnnxModel({
      inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch', 77] }],
      outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 77, width] }],
      initializers: [
        { name: 'axes', type: 'int64', dims: [1], values: [2] },
        { name: 'ones', type: 'float32', dims: [width], values: new Array<number>(width).fill(1) },
      ],
      nodes: [
        { op: 'Cast', inputs: ['input_ids'], outputs: ['ids_float'], intAttributes: { to: elemType.float32 } },
        { op: 'Unsqueeze', inputs: ['ids_float', 'axes'], outputs: ['ids_column'] },
        { op: 'Mul', inputs: ['ids_column', 'ones'], outputs: ['last_hidden_state'] },
      ],
    }),
  );
}

function writeTokenizer(folder: string): void {
  const dir = path.join(folder, 'tokenizer');
  const vocab = { s: 0, h: 1, o: 2, a: 3, 'e</w>': 4, 'a</w>': 5, sh: 6, sho: 7, 'shoe</w>': 8, '<|startoftext|>': 9, '<|endoftext|>': 10 };
  writeJson(path.join(dir, 'vocab.json'), vocab);
  fs.writeFileSync(path.join(dir, 'merges.txt'), '#version: 0.2\ns h\nsh o\nsho e</w>\n');
  writeJson(path.join(dir, 'tokenizer_config.json'), { model_max_length: 77, do_lower_case: true });
  writeJson(path.join(dir, 'special_tokens_map.json'), {
    bos_token: '<|startoftext|>',
    eos_token: '<|endoftext|>',
    unk_token: '<|endoftext|>',
    pad_token: '<|endoftext|>',
  });
}

/** Writes the folder and returns it. */
export function writePipelineFixture(folder: string, options: PipelineFixtureOptions = {}): string {
  const text = options.conditioning === 'text';
  const dit = options.conditioning === 'class';
  writeJson(path.join(folder, 'model_index.json'), {
    _class_name: dit ? 'DiTPipeline' : 'StableDiffusionPipeline',
    _diffusers_version: '0.21.0',
    ...(dit
      ? {
          transformer: ['diffusers', 'DiTTransformer2DModel'],
          ...(options.withoutNumClasses ? {} : { num_classes: fixtureClasses }),
          id2label: Object.fromEntries(Array.from({ length: fixtureClasses }, (_, i) => [String(i), `class ${i}`])),
        }
      : { unet: ['diffusers', 'UNet2DConditionModel'] }),
    vae_encoder: ['diffusers', 'AutoencoderKL'],
    vae_decoder: ['diffusers', 'AutoencoderKL'],
    scheduler: ['diffusers', 'DDIMScheduler'],
    ...(text ? { text_encoder: ['transformers', 'CLIPTextModel'], tokenizer: ['transformers', 'CLIPTokenizer'] } : {}),
  });
  writeDenoiser(folder, options);
  const pixels: ValueSpec = { name: 'sample', type: 'float32', shape: ['batch', 1, 16, 16] };
  const latents: ValueSpec = { name: 'latent_sample', type: 'float32', shape: ['batch', latent.channels, latent.size, latent.size] };
  writeReshape(path.join(folder, 'vae_encoder', 'model.onnx'), pixels, latents);
  writeReshape(path.join(folder, 'vae_decoder', 'model.onnx'), latents, pixels);
  const vaeConfig = { _class_name: 'AutoencoderKL', scaling_factor: options.scalingFactor ?? 0.5, latent_channels: latent.channels };
  writeJson(path.join(folder, 'vae_encoder', 'config.json'), vaeConfig);
  writeJson(path.join(folder, 'vae_decoder', 'config.json'), vaeConfig);
  writeJson(path.join(folder, 'scheduler', 'scheduler_config.json'), {
    _class_name: 'DDIMScheduler',
    num_train_timesteps: 1000,
    beta_start: 0.00085,
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
    prediction_type: 'epsilon',
    steps_offset: 1,
    set_alpha_to_one: false,
    clip_sample: false,
  });
  if (text) {
    writeTextEncoder(folder, options.textWidth ?? hiddenWidth);
    if (!options.withoutTokenizer) writeTokenizer(folder);
  }
  return folder;
}
