// Hashes a model's files and checks, before a run, that they are still the files that were imported. The files of a
// model are the ones its import names plus every external data file of its ONNX files ("model:weights.bin").
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MiaError } from '../common/errors';
import { sha256OfHandle } from '../common/file-sha256';
import { openRegularFile } from '../common/regular-file';
import { resolveExternalData } from '../engine/models/onnx-external-data';
import type { StoredModelFiles } from '../workspace/models-repo';

/** A model's files as the models table stores them (the `files` column's schema is in the workspace). */
export type StoredFiles = StoredModelFiles;

/** SHA-256 of one of a model's files, opened through the regular-file check (a FIFO gets `model.not-a-file`, not a hang). */
export async function sha256OfFile(file: string): Promise<string> {
  const { handle } = await openRegularFile(file, { domain: 'model', subject: `Model file ${file}` });
  try {
    return await sha256OfHandle(handle);
  } finally {
    await handle.close();
  }
}

/**
 * One hash for the whole model: SHA-256 over "role<TAB>file hash" lines sorted by role, so the same files give
 * the same hash wherever they live on disk. Labels call it the model hash and say so (presentation/model-hash.ts).
 */
export function combinedHash(files: StoredFiles): string {
  const lines = Object.keys(files)
    .sort()
    .map((role) => `${role}\t${(files[role] as { sha256: string }).sha256}\n`);
  return crypto.createHash('sha256').update(lines.join('')).digest('hex');
}

/** One of a model's files as shown to an auditor: its own SHA-256 (what `sha256sum` prints) and its size now. */
export interface ModelFileFacts {
  readonly role: string;
  readonly name: string;
  readonly path: string;
  readonly sha256: string;
  /** Bytes on disk now, or null when the file is gone (a run on it is refused with model.file-missing). */
  readonly bytes: number | null;
}

/** The model's files sorted by role, the order the combined hash reads them in. */
export function modelFileFacts(files: StoredFiles): ModelFileFacts[] {
  return Object.keys(files)
    .sort()
    .map((role) => {
      const entry = files[role]!;
      let bytes: number | null = null;
      try {
        bytes = fs.statSync(entry.path).size;
      } catch {
        // Missing or unreadable: shown as unknown rather than failing the details view or the report.
      }
      return { role, name: path.basename(entry.path), path: entry.path, sha256: entry.sha256, bytes };
    });
}

/** The roles whose file is an ONNX model, so may keep weights in external data files (a pipeline's text_encoder too). */
const onnxRoles: ReadonlySet<string> = new Set(['model', 'image', 'text', 'denoiser', 'vae_encoder', 'vae_decoder', 'text_encoder']);

/** The role an external data file is stored under: its ONNX file's role and its location, "model:weights.bin". */
export function externalDataRole(role: string, location: string): string {
  return `${role}:${location}`;
}

/** `paths` plus the external data files of each ONNX file among them (refusing any outside the model's folder). */
export function withExternalData(paths: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { ...paths };
  for (const [role, file] of Object.entries(paths)) {
    if (!onnxRoles.has(role)) continue;
    for (const external of resolveExternalData(file)) all[externalDataRole(role, external.location)] = external.path;
  }
  return all;
}

/** Hashes the named files and their external data files: together they are the model's identity. */
export async function hashModelFiles(paths: Record<string, string>): Promise<{ files: StoredFiles; sha256: string }> {
  const files: StoredFiles = {};
  for (const [role, file] of Object.entries(withExternalData(paths))) {
    files[role] = { path: file, sha256: await sha256OfFile(file) };
  }
  return { files, sha256: combinedHash(files) };
}

/** Throws model.file-changed (naming the file) when a file's bytes are not the ones imported. */
export async function verifyModelFiles(modelName: string, files: StoredFiles, expectedCombined: string): Promise<void> {
  for (const [role, entry] of Object.entries(files)) {
    if (!fs.existsSync(entry.path)) {
      throw new MiaError(
        'model.file-missing',
        `Model "${modelName}": its ${role} file ${entry.path} is missing. Restore it or import the model again.`,
        {
          role,
          file: entry.path,
        },
      );
    }
    const actual = await sha256OfFile(entry.path);
    if (actual !== entry.sha256) {
      throw new MiaError(
        'model.file-changed',
        `Model "${modelName}": ${path.basename(entry.path)} (${role}) changed since it was imported (${entry.path}). Import it again as a new model so runs stay comparable.`,
        { role, file: entry.path, expected: entry.sha256, actual },
      );
    }
  }
  if (combinedHash(files) !== expectedCombined) {
    throw new MiaError(
      'model.file-changed',
      `Model "${modelName}": the stored file list does not match its hash; the workspace row was altered.`,
    );
  }
  // A row written before external data files were hashed lacks them; such a model's weights were never pinned.
  for (const [role, entry] of Object.entries(files)) {
    if (!onnxRoles.has(role)) continue;
    for (const external of resolveExternalData(entry.path)) {
      if (files[externalDataRole(role, external.location)]) continue;
      throw new MiaError(
        'model.file-changed',
        `Model "${modelName}": ${path.basename(entry.path)} (${role}) reads weights from ${external.location}, which was not hashed when the model was imported (${external.path}). Import the model again so its weights are pinned.`,
        { role, file: external.path },
      );
    }
  }
}

/** Resolves a path given relative to a manifest or sidecar; the result is absolute. */
export function resolveBeside(base: string, file: string): string {
  return path.resolve(path.dirname(base), file);
}

/** `<folder>/<stem>.json` beside `<folder>/<stem>.onnx`, when it exists. */
export function sidecarBeside(modelFile: string): string | null {
  const candidate = path.join(path.dirname(modelFile), `${path.basename(modelFile, path.extname(modelFile))}.json`);
  return fs.existsSync(candidate) ? candidate : null;
}
