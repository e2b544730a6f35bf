// A folder of remote answers keyed by the request that got them, so that a killed or resumed run never pays for the
// same request twice. Only answers that the caller validated are stored; an entry that is damaged, or that no longer
// validates, is ignored (and removed), and the request is sent again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFilesAtomically } from '../../common/atomic-files';

/** Who is asked: the endpoint (without credentials), the model and its version. Never a key. */
export interface CacheIdentity {
  readonly baseUrl: string;
  readonly model: string;
  readonly version?: string;
}

export interface CachedAnswer {
  /** The headers decoding needs (Content-Type, Inference-Header-Content-Length), lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const EntryMeta = z.strictObject({
  format: z.literal(1),
  key: z.string().regex(/^[0-9a-f]{64}$/),
  headers: z.record(z.string(), z.string()),
  bodySha256: z.string().regex(/^[0-9a-f]{64}$/),
});

const entrySuffix = '.response';

/** SHA-256 over the length-prefixed identity, method, path and body bytes: no two requests share a key by accident. */
export function cacheKey(identity: CacheIdentity, method: string, requestPath: string, body: Buffer | undefined): string {
  const hash = createHash('sha256');
  for (const part of [identity.baseUrl, identity.model, identity.version ?? '', method, requestPath]) {
    const bytes = Buffer.from(part, 'utf8');
    hash.update(lengthPrefix(bytes.length)).update(bytes);
  }
  const payload = body ?? Buffer.alloc(0);
  hash.update(lengthPrefix(payload.length)).update(payload);
  return hash.digest('hex');
}

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(length));
  return prefix;
}

export class ResponseCache {
  constructor(readonly folder: string) {}

  /**
   * The stored answer for `key` if `validate` accepts it (and returns what the caller wants from it); undefined
   * when there is none, or when it is damaged or refused, in which case the entry is removed.
   */
  read<T>(key: string, validate: (answer: CachedAnswer) => T): T | undefined {
    const file = this.fileOf(key);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      return undefined;
    }
    try {
      const answer = decodeEntry(bytes, key);
      if (answer) return validate(answer);
    } catch {
      // a damaged or no-longer-valid entry counts as a miss; the fresh answer replaces it
    }
    fs.rmSync(file, { force: true });
    return undefined;
  }

  /** Stores a validated answer atomically (a kill mid-write leaves the old entry or none, never half of one). */
  async write(key: string, answer: CachedAnswer): Promise<void> {
    const meta = { format: 1, key, headers: answer.headers, bodySha256: sha256(answer.body) };
    const metaBytes = Buffer.from(JSON.stringify(meta), 'utf8');
    await writeFilesAtomically(
      [
        {
          path: this.fileOf(key),
          write: (temp) => fs.writeFileSync(temp, Buffer.concat([lengthPrefix(metaBytes.length), metaBytes, answer.body])),
        },
      ],
      { force: true },
    );
  }

  private fileOf(key: string): string {
    return path.join(this.folder, key.slice(0, 2), `${key}${entrySuffix}`);
  }
}

/** Entry layout: 8-byte little-endian length of the JSON meta, the meta, then the body the meta's hash covers. */
function decodeEntry(bytes: Buffer, key: string): CachedAnswer | undefined {
  if (bytes.length < 8) return undefined;
  const metaLength = Number(bytes.readBigUInt64LE(0));
  if (metaLength > bytes.length - 8) return undefined;
  const meta = EntryMeta.safeParse(JSON.parse(bytes.toString('utf8', 8, 8 + metaLength)));
  if (!meta.success || meta.data.key !== key) return undefined;
  const body = bytes.subarray(8 + metaLength);
  if (sha256(body) !== meta.data.bodySha256) return undefined;
  return { headers: meta.data.headers, body };
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
