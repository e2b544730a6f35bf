// Tells apart a CLIP image encoder and text encoder from their inputs and sidecars, so an auditor who swapped the two
// files is told so plainly instead of getting the CLIP configuration's schema error.
import { MiaError } from '../../common/errors';
import type { TensorInfo } from './onnx-session';

type EncoderLook = 'image' | 'text' | 'unknown';

/** An image encoder takes a float tensor of 4 dims; a text encoder takes only integer token ids (and a mask). */
export function looksLike(inputs: readonly TensorInfo[], sidecarKind: string | undefined): EncoderLook {
  if (sidecarKind === 'clip-image') return 'image';
  if (sidecarKind === 'clip-text') return 'text';
  if (inputs.some((t) => t.dtype.startsWith('float') && t.shape.length === 4)) return 'image';
  if (inputs.length > 0 && inputs.every((t) => t.dtype.startsWith('int'))) return 'text';
  return 'unknown';
}

/** True when one model takes both an image tensor and token ids: a combined CLIP export rather than one encoder. */
export function looksCombined(inputs: readonly TensorInfo[]): boolean {
  return inputs.some((t) => t.dtype.startsWith('float') && t.shape.length === 4) && inputs.some((t) => t.dtype.startsWith('int'));
}

/** Refuses a CLIP import whose image file looks like a text encoder, or whose text file looks like an image encoder. */
export function assertClipEncoderRoles(
  image: { file: string; look: EncoderLook; inputs: readonly TensorInfo[] },
  text: { file: string; look: EncoderLook; inputs: readonly TensorInfo[] },
): void {
  // One model taking both an image and token ids serves as both encoders; as either half it would be misread.
  const combined = [image, text].find((side) => looksCombined(side.inputs));
  if (combined) {
    throw new MiaError(
      'model.combined-clip',
      `${combined.file} takes both an image and token ids: it is a combined CLIP model, which serves as both encoders. Import it alone as the combined model (modelPath, or "model" in an audit config).`,
      { file: combined.file },
    );
  }
  const wrongImage = image.look === 'text';
  const wrongText = text.look === 'image';
  if (!wrongImage && !wrongText) return;
  const advice =
    wrongImage && wrongText
      ? `${image.file} looks like a text encoder and ${text.file} looks like an image encoder: the two files seem swapped. Choose ${text.file} as the image encoder and ${image.file} as the text encoder.`
      : wrongImage
        ? `${image.file}, chosen as the image encoder, looks like a text encoder (it takes only token ids). Did you swap the image and text encoder files?`
        : `${text.file}, chosen as the text encoder, looks like an image encoder (it takes an image tensor). Did you swap the image and text encoder files?`;
  throw new MiaError('model.swapped-encoders', advice, { image: image.file, text: text.file });
}
