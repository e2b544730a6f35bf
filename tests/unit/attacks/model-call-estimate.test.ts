// The model-call estimate per component: each diffusion attack's calls on a pixel, latent, class- or text-conditional
// target (one formula, diffusionModelCalls), the structure read from the demo pipelines' stored configs, a run's
// total with the null model added by its own structure, and one-model families left as they were.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findAttack } from '../../../src-main/engine/attacks/registry';
import { estimateRunModelCalls } from '../../../src-main/engine/attacks/run-model-calls';
import { targetStructureOf } from '../../../src-main/engine/models/target-structure';
import { preparePipeline } from '../../../src-main/services/pipeline-import';
import { describeModelCalls, plainTarget, totalModelCalls, type TargetStructure } from '../../../src-shared/domain/model-calls';
import { demoDir } from '../../helpers/demo-kit';

const latentText: TargetStructure = { latent: true, conditioning: 'text' };
const latentClass: TargetStructure = { latent: true, conditioning: 'class' };

function estimate(id: string, params: Record<string, unknown>, target: TargetStructure, audited = 10) {
  const attack = findAttack(id);
  return attack.estimateModelCalls(attack.params.parse(params), { audited, references: 0, shadows: 0, target });
}

describe('diffusion attacks estimate every component of the target', () => {
  it('ReDiffuse on a text-conditional latent pipeline: UNet per copy per step, encoder once, decoder per copy, text encoder once', () => {
    expect(estimate('rediffuse', { repeats: 3, t: 200, stride: 100 }, latentText)).toEqual({
      unet: 10 * 3 * 2,
      vae_encoder: 10,
      vae_decoder: 10 * 3,
      text_encoder: 10,
    });
  });

  it('ReDiffuse comparing latents decodes nothing, unless the distance is SSIM (always in pixels)', () => {
    expect(estimate('rediffuse', { repeats: 3, compare: 'latents' }, latentClass)).toEqual({ unet: 60, vae_encoder: 10 });
    expect(estimate('rediffuse', { repeats: 3, compare: 'latents', distance: 'ssim' }, latentClass)).toEqual({
      unet: 60,
      vae_encoder: 10,
      vae_decoder: 30,
    });
  });

  it('guidance doubles the UNet calls and encodes the empty prompt once per run', () => {
    expect(estimate('pia', { guidanceScale: 3 }, latentText)).toEqual({ unet: 40, vae_encoder: 10, text_encoder: 11 });
    expect(estimate('pia', { guidanceScale: 3 }, latentClass)).toEqual({ unet: 40, vae_encoder: 10 });
    expect(estimate('pia', { guidanceScale: 3 }, latentText, 0)).toEqual({ unet: 0, vae_encoder: 0, text_encoder: 0 });
  });

  it('SecMI and the loss baseline count their steps and draws; a pixel-space target is its UNet alone', () => {
    expect(estimate('secmi', { t: 100, stride: 10 }, latentText)).toEqual({ unet: 120, vae_encoder: 10, text_encoder: 10 });
    expect(estimate('diffusion-loss', { repeats: 4 }, plainTarget)).toEqual({ unet: 40 });
    expect(estimate('rediffuse', {}, plainTarget)).toEqual({ unet: 10 * 10 * 2 });
  });
});

describe('one-model families', () => {
  it('a classifier or CLIP attack counts calls of the model, as before', () => {
    expect(estimate('loss', {}, plainTarget)).toEqual({ model: 10 });
    expect(estimate('aea', { views: 4 }, plainTarget)).toEqual({ model: 60 });
  });
});

describe('the target structure comes from the stored config', () => {
  it('reads the demo pipelines: latent and text-conditional, latent and class-conditional', async () => {
    const latent = await preparePipeline(path.join(demoDir, 'latent-diffusion'), {});
    const dit = await preparePipeline(path.join(demoDir, 'dit'), {});
    expect(targetStructureOf({ kind: 'diffusion', config: latent.config })).toEqual(latentText);
    expect(targetStructureOf({ kind: 'diffusion', config: dit.config })).toEqual(latentClass);
    expect(targetStructureOf({ kind: 'classifier', config: {} })).toEqual(plainTarget);
  }, 60_000);

  it('adds the null model by its own structure, and names the components in a fixed order', () => {
    const run = estimateRunModelCalls(
      findAttack('diffusion-loss'),
      findAttack('diffusion-loss').params.parse({ repeats: 1 }),
      { audited: 5, references: 0, shadows: 0 },
      latentText,
      plainTarget,
    );
    expect(run).toEqual({ unet: 10, vae_encoder: 5, text_encoder: 5 });
    expect(totalModelCalls(run)).toBe(20);
    expect(describeModelCalls({ text_encoder: 5, unet: 1200 }, (n) => n.toLocaleString('en-US'))).toBe('unet 1,200, text_encoder 5');
  });
});
