// What a model file's stored role is, in words for the Models view. The role keys stay as stored (they are part of
// the combined model hash), but a bare "model" on a CLIP model reads as if its encoders were missing, and "image" or
// "text" as if they were data; the note says which part of the model each file is.
import type { ModelKind } from '../domain/models';

/** A short note on what the file of `role` is for a model of `kind`; null where the role says it already. */
export function modelFileRoleNote(kind: ModelKind, role: string): string | null {
  if (kind === 'clip') {
    if (role === 'model') return 'image and text encoders in one file';
    if (role === 'image') return 'image encoder';
    if (role === 'text') return 'text encoder';
  }
  if (kind === 'diffusion' && role === 'model') return 'denoiser';
  return null;
}
