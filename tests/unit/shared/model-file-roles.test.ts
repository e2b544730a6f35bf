// The Models view's notes on a model file's role: a combined CLIP model's single "model" file is named as both
// encoders, a CLIP pair's files as the encoder each is, and a classifier's roles need no note.
import { describe, expect, it } from 'vitest';
import { modelFileRoleNote } from '../../../src-shared/presentation/model-file-roles';

describe('model file role notes', () => {
  it('says a combined CLIP model file holds both encoders', () => {
    expect(modelFileRoleNote('clip', 'model')).toBe('image and text encoders in one file');
    expect(modelFileRoleNote('clip', 'tokenizer')).toBeNull();
  });

  it('names the encoder of each file of a CLIP pair, and a diffusion model file as the denoiser', () => {
    expect(modelFileRoleNote('clip', 'image')).toBe('image encoder');
    expect(modelFileRoleNote('clip', 'text')).toBe('text encoder');
    expect(modelFileRoleNote('diffusion', 'model')).toBe('denoiser');
  });

  it('adds nothing to a classifier file, whose role reads right as stored', () => {
    expect(modelFileRoleNote('classifier', 'model')).toBeNull();
    expect(modelFileRoleNote('classifier', 'config')).toBeNull();
  });
});
