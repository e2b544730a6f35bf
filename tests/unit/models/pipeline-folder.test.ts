// A diffusers / Optimum pipeline folder read as one diffusion target: its files, the denoiser's input roles read from
// shapes and types, the settings the folder gives, and a refusal naming the component for each part that is missing
// or does not fit (real ONNX Runtime sessions on tiny hand-built components).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { denoiserInputRoles, isPipelineFolder, readPipelineFolder } from '../../../src-main/engine/models/pipeline-folder';
import type { TensorInfo } from '../../../src-main/engine/models/onnx-session';
import { preparePipeline } from '../../../src-main/services/pipeline-import';
import { writePipelineFixture, type PipelineFixtureOptions } from '../../helpers/pipeline-fixture';
import { makeTempDir } from '../../helpers/temp-dir';

const dir = makeTempDir();
let count = 0;
const fixture = (options: PipelineFixtureOptions = {}) => writePipelineFixture(path.join(dir, `pipeline-${++count}`), options);

const tensor = (name: string, dtype: string, shape: (number | string)[]): TensorInfo => ({ name, dtype, shape });

describe('pipeline folder files', () => {
  it('finds every component file of an unconditional latent pipeline, with the denoiser under unet/', () => {
    const folder = fixture();
    expect(isPipelineFolder(folder)).toBe(true);
    expect(isPipelineFolder(path.join(folder, 'unet'))).toBe(false);
    const { files, index } = readPipelineFolder(folder);
    expect(index._class_name).toBe('StableDiffusionPipeline');
    expect(Object.keys(files).sort()).toEqual([
      'denoiser',
      'model_index',
      'scheduler',
      'vae_decoder',
      'vae_decoder_config',
      'vae_encoder',
      'vae_encoder_config',
    ]);
    expect(path.relative(folder, files.denoiser)).toBe(path.join('unet', 'model.onnx'));
  });

  it('refuses a folder without a VAE decoder, naming it', () => {
    const folder = fixture();
    fs.rmSync(path.join(folder, 'vae_decoder'), { recursive: true });
    expect(() => readPipelineFolder(folder)).toThrow(
      expect.objectContaining({ code: 'model.pipeline-incomplete', message: expect.stringContaining('vae_decoder/model.onnx') }),
    );
  });

  it('refuses a text encoder without a tokenizer, naming tokenizer/vocab.json and merges.txt', () => {
    const folder = fixture({ conditioning: 'text', withoutTokenizer: true });
    expect(() => readPipelineFolder(folder)).toThrow(
      expect.objectContaining({
        code: 'model.pipeline-incomplete',
        message: expect.stringMatching(/text encoder but no tokenizer.*tokenizer\/vocab\.json and tokenizer\/merges\.txt/),
      }),
    );
  });

  it('lists the tokenizer files of a text-conditional pipeline', () => {
    const { files } = readPipelineFolder(fixture({ conditioning: 'text' }));
    expect(files).toMatchObject({
      text_encoder: expect.stringMatching(/text_encoder[\\/]model\.onnx$/),
      tokenizer_vocab: expect.stringMatching(/vocab\.json$/),
      tokenizer_merges: expect.stringMatching(/merges\.txt$/),
      tokenizer_config: expect.stringMatching(/tokenizer_config\.json$/),
      special_tokens_map: expect.stringMatching(/special_tokens_map\.json$/),
    });
  });
});

describe('denoiser input roles', () => {
  it('reads a DiT transformer’s sample, timestep and class labels from shapes and types', () => {
    const roles = denoiserInputRoles('transformer/model.onnx', [
      tensor('hidden_states', 'float32', ['batch', 4, 8, 8]),
      tensor('timestep', 'int64', ['batch']),
      tensor('class_labels', 'int64', ['batch']),
    ]);
    expect([roles.sample.name, roles.timestep.name, roles.classLabels?.name, roles.encoderHiddenStates]).toEqual([
      'hidden_states',
      'timestep',
      'class_labels',
      undefined,
    ]);
  });

  it('reads a UNet’s encoder hidden states as the 3-D float input, whatever its name', () => {
    const roles = denoiserInputRoles('unet/model.onnx', [
      tensor('x', 'float32', ['batch', 4, 8, 8]),
      tensor('t', 'float32', ['batch']),
      tensor('context', 'float32', ['batch', 77, 768]),
    ]);
    expect([roles.sample.name, roles.timestep.name, roles.encoderHiddenStates?.name, roles.classLabels]).toEqual([
      'x',
      't',
      'context',
      undefined,
    ]);
  });

  it('refuses an input it cannot place, listing the inputs', () => {
    expect(() =>
      denoiserInputRoles('unet/model.onnx', [
        tensor('sample', 'float32', ['batch', 4, 8, 8]),
        tensor('timestep', 'int64', ['batch']),
        tensor('mask', 'float32', ['batch', 8, 8, 8, 8]),
      ]),
    ).toThrow(
      expect.objectContaining({ code: 'model.incompatible', message: expect.stringContaining('mask [batch, 8, 8, 8, 8] float32') }),
    );
  });
});

describe('pipeline settings and checks', () => {
  it('takes the latent and pixel shapes from the components, the scaling factor from the VAE config, the I/O names from the UNet', async () => {
    const prepared = await preparePipeline(fixture({ scalingFactor: 0.25 }), {});
    expect(prepared.config).toMatchObject({
      kind: 'diffusion',
      sampleShape: { channels: 4, height: 8, width: 8 },
      pixelShape: { channels: 1, height: 16, width: 16 },
      vaeScalingFactor: 0.25,
      preprocess: { width: 16, height: 16, channels: 1 },
      scheduler: { beta_schedule: 'scaled_linear', num_train_timesteps: 1000 },
      io: { sample: 'sample', timestep: 'timestep', output: 'out_sample' },
    });
    expect(Object.keys(prepared.io).sort()).toEqual(['denoiser', 'vae_decoder', 'vae_encoder']);
  });

  it('reads a DiT folder: the transformer/ denoiser, its hidden_states sample and its class labels with model_index.json’s num_classes', async () => {
    const prepared = await preparePipeline(fixture({ conditioning: 'class' }), {});
    expect(path.basename(path.dirname(prepared.files.denoiser!.path))).toBe('transformer');
    expect(prepared.config).toMatchObject({
      io: { sample: 'hidden_states', timestep: 'timestep', output: 'out_sample' },
      conditioning: { kind: 'class', input: 'class_labels', numClasses: 10 },
    });
  });

  it('reads a text-conditional folder: encoder_hidden_states fed from the text encoder, prompts of 77 tokens', async () => {
    const prepared = await preparePipeline(fixture({ conditioning: 'text' }), {});
    expect(prepared.config.conditioning).toEqual({ kind: 'text', input: 'encoder_hidden_states', maxLength: 77 });
    expect(Object.keys(prepared.files)).toEqual(
      expect.arrayContaining(['text_encoder', 'tokenizer_vocab', 'tokenizer_merges', 'tokenizer_config', 'special_tokens_map']),
    );
  });

  it('refuses a class-conditional denoiser when model_index.json gives no num_classes (the null class is not known)', async () => {
    await expect(preparePipeline(fixture({ conditioning: 'class', withoutNumClasses: true }), {})).rejects.toMatchObject({
      code: 'model.bad-config',
      message: expect.stringContaining('no num_classes'),
    });
  });

  it('refuses VAE latents whose channels differ from the denoiser’s sample, naming both', async () => {
    await expect(preparePipeline(fixture({ denoiserChannels: 3 }), {})).rejects.toMatchObject({
      code: 'model.pipeline-mismatch',
      message: expect.stringMatching(/VAE's latents have 4 channels.*sample \[batch, 3, 8, 8\].*has 3/),
    });
  });

  it('refuses a text encoder whose last_hidden_state width differs from the UNet’s encoder_hidden_states', async () => {
    await expect(preparePipeline(fixture({ conditioning: 'text', textWidth: 16 }), {})).rejects.toMatchObject({
      code: 'model.pipeline-mismatch',
      message: expect.stringMatching(
        /encoder_hidden_states \[batch, 77, 8\] float32 is 8 wide.*last_hidden_state \[batch, 77, 16\] float32 is 16 wide/,
      ),
    });
  });

  it('refuses a VAE config without scaling_factor rather than guessing one', async () => {
    const folder = fixture();
    for (const part of ['vae_encoder', 'vae_decoder'])
      fs.writeFileSync(path.join(folder, part, 'config.json'), '{"_class_name": "AutoencoderKL"}');
    await expect(preparePipeline(folder, {})).rejects.toMatchObject({
      code: 'model.bad-config',
      message: expect.stringContaining('no scaling_factor'),
    });
  });

  it('refuses UNet weights kept outside the folder, naming the location', async () => {
    const folder = fixture({ weightsLocation: '../../outside.onnx_data' });
    await expect(preparePipeline(folder, {})).rejects.toMatchObject({
      code: 'model.external-data-outside',
      message: expect.stringContaining('../../outside.onnx_data'),
    });
  });
});
