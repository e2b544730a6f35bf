// The SHA-256 of a whole file, read in chunks so a large database or model never sits in memory at once. Model
// files, workspace snapshots and backups, and signed exports all hash files with these functions.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

const chunkBytes = 1024 * 1024;

/** SHA-256 (lowercase hex) of everything an already opened file holds, from its first byte. */
export async function sha256OfHandle(handle: fs.FileHandle): Promise<string> {
  const hash = createHash('sha256');
  const chunk = Buffer.alloc(chunkBytes);
  for (let position = 0; ;) {
    const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}

/** SHA-256 (lowercase hex) of the file at `file`. */
export async function sha256OfFile(file: string): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    return await sha256OfHandle(handle);
  } finally {
    await handle.close();
  }
}
