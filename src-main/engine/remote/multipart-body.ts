// Writes a multipart/form-data body (RFC 7578) for the image-variation API: text fields and file parts, in the order
// given, behind a boundary derived from the content so the same fields always give the same bytes (and so the same
// response-cache key). `mia serve`'s parser (services/model-server/multipart-form.ts) reads it back.
import { createHash } from 'node:crypto';
import { MiaError } from '../../common/errors';

export type FormField =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly contentType: string; readonly data: Buffer };

export interface MultipartBody {
  readonly body: Buffer;
  /** `multipart/form-data; boundary=…` */
  readonly contentType: string;
}

/** Names, file names and values become header text: quotes and line breaks there would forge another part. */
const headerSafe = /^[^"\r\n]*$/;

export function multipartBody(fields: readonly FormField[]): MultipartBody {
  for (const field of fields) {
    const texts = 'data' in field ? [field.name, field.filename, field.contentType] : [field.name];
    if (texts.some((text) => !headerSafe.test(text))) {
      throw new MiaError(
        'remote.bad-request',
        `Form field "${field.name}": a name, file name or content type may hold no quote or line break.`,
      );
    }
  }
  const payloads = fields.map((field) => ('data' in field ? field.data : Buffer.from(field.value, 'utf8')));
  // A boundary that occurs in no payload: a hash of the payloads, lengthened in the (never yet seen) case it does.
  const digest = createHash('sha256');
  for (const payload of payloads) digest.update(payload);
  let boundary = `mia-${digest.digest('hex').slice(0, 32)}`;
  while (payloads.some((payload) => payload.includes(boundary))) boundary += '-x';
  const chunks: Buffer[] = [];
  fields.forEach((field, index) => {
    const disposition = `form-data; name="${field.name}"${'data' in field ? `; filename="${field.filename}"` : ''}`;
    const type = 'data' in field ? `\r\nContent-Type: ${field.contentType}` : '';
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}${type}\r\n\r\n`, 'utf8'),
      payloads[index]!,
      Buffer.from('\r\n'),
    );
  });
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}
