// `POST /v1/images/variations` in the OpenAI Images API shape: a PNG `image`, `n`, `size` ("WxH") and
// `response_format` (b64_json only) in multipart/form-data; answers `{ created, data: [{ b64_json }] }` with n PNGs
// of the asked size. The noise seed comes from the image bytes, so the same request always gets the same images.
import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MiaError } from '../../common/errors';
import { decodeImageBytes } from '../../engine/data/decode-image';
import { hasPngSignature } from '../../engine/data/png-check';
import { imageVariations, variationPng } from '../../engine/diffusion/image-variations';
import { preprocess } from '../../engine/models/preprocess';
import { httpError, readBody, sendJson } from './http-exchange';
import { formBoundary, parseForm, type FormPart } from './multipart-form';
import type { OpenedVariationTarget } from './variation-target';

export const variationsPath = '/v1/images/variations';

/** Fields the OpenAI API defines that change nothing here (`model` names the one target; `user` is for their logs). */
const ignoredFields = new Set(['model', 'user']);
const knownFields = new Set(['image', 'n', 'size', 'response_format', ...ignoredFields]);

const badField = (field: string, message: string) => httpError(400, 'serve.bad-field', `Field "${field}": ${message}`);

export async function answerVariations(
  request: IncomingMessage,
  response: ServerResponse,
  target: OpenedVariationTarget | null,
  maxBodyBytes: number,
): Promise<void> {
  if (request.method !== 'POST')
    throw httpError(405, 'serve.method-not-allowed', `${request.method ?? '?'} is not allowed here; use POST.`);
  if (!target) throw httpError(404, 'serve.no-variations', 'This server has no variation target (serve.yaml has no "variations").');
  const boundary = formBoundary(request.headers['content-type']);
  const form = parseForm(await readBody(request, maxBodyBytes), boundary);
  for (const name of form.keys()) if (!knownFields.has(name)) throw badField(name, 'is not a field of this endpoint.');
  const { settings, model } = target;
  const format = textField(form.get('response_format')) ?? 'b64_json';
  if (format !== 'b64_json')
    throw badField('response_format', `"${format}" is not offered; use "b64_json" (this server keeps no images to link to).`);
  const n = integerField(form.get('n'), 'n', 1, settings.maxVariations) ?? 1;
  const size = sizeField(form.get('size'), settings.maxSize) ?? { width: model.pixelShape.width, height: model.pixelShape.height };
  const image = form.get('image');
  if (!image) throw badField('image', 'is missing; send the PNG to vary as a file part named "image".');
  if (!hasPngSignature(image.data)) throw badField('image', 'is not a PNG file.');
  let pixels: Float32Array;
  try {
    pixels = preprocess(await decodeImageBytes(image.data, image.filename ?? 'image', 'Field "image"'), target.preprocess);
  } catch (error) {
    if (error instanceof MiaError) throw badField('image', error.message);
    throw error;
  }
  const seed = crypto.createHash('sha256').update(image.data).digest('hex');
  const images = await imageVariations(model, pixels, { count: n, t: settings.t, stride: settings.stride, seed });
  const imageSize = images.length / n;
  const data: { b64_json: string }[] = [];
  for (let index = 0; index < n; index += 1) {
    const png = await variationPng(images.subarray(index * imageSize, (index + 1) * imageSize), model.pixelShape, size.width, size.height);
    data.push({ b64_json: png.toString('base64') });
  }
  sendJson(response, 200, { created: Math.floor(Date.now() / 1000), data });
}

function textField(part: FormPart | undefined): string | undefined {
  return part ? part.data.toString('utf8').trim() : undefined;
}

function integerField(part: FormPart | undefined, field: string, min: number, max: number): number | undefined {
  const text = textField(part);
  if (text === undefined) return undefined;
  const value = /^\d{1,6}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max)
    throw badField(field, `"${text}" is not a whole number from ${min} to ${max}.`);
  return value;
}

function sizeField(part: FormPart | undefined, max: number): { width: number; height: number } | undefined {
  const text = textField(part);
  if (text === undefined) return undefined;
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 1 || height < 1 || width > max || height > max) {
    throw badField('size', `"${text}" is not WIDTHxHEIGHT with each side from 1 to ${max} (for example "64x64").`);
  }
  return { width, height };
}
