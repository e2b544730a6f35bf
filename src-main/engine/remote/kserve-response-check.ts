// Checks an inference response against what was asked before any of it is scored: every requested output present,
// of a numeric datatype, shaped as the model's metadata says (batch included), and free of NaN and Infinity.
import { MiaError } from '../../common/errors';
import type { InferResponse, KserveTensor } from './kserve-v2-codec';
import type { MetadataTensor } from './kserve-v2-messages';
import { firstNonFinite } from './kserve-ort-tensors';

export function checkInferResponse(
  response: InferResponse,
  expected: readonly MetadataTensor[],
  batch: number | null,
  describe: string,
): Map<string, KserveTensor> {
  const byName = new Map(response.outputs.map((output) => [output.name, output]));
  for (const meta of expected) {
    const output = byName.get(meta.name);
    const bad = (what: string): MiaError =>
      new MiaError('remote.bad-response', `${describe}: output "${meta.name}" ${what}.`, { output: meta.name });
    if (!output) throw bad('is missing from the answer');
    if (output.datatype !== meta.datatype) throw bad(`is ${output.datatype}; the model's metadata says ${meta.datatype}`);
    if (output.datatype === 'BYTES' || output.datatype === 'BOOL') throw bad(`is ${output.datatype}, which cannot be scored`);
    const shapeFits =
      output.shape.length === meta.shape.length &&
      meta.shape.every((dim, i) => dim === -1 || dim === output.shape[i]) &&
      (batch === null || meta.shape[0] !== -1 || output.shape[0] === batch);
    if (!shapeFits) {
      const batchNote = batch === null ? '' : ` for a batch of ${batch}`;
      throw bad(`has shape [${output.shape.join(', ')}]; expected [${meta.shape.join(', ')}]${batchNote}`);
    }
    const nonFinite = firstNonFinite(output.data);
    if (nonFinite) throw bad(`holds ${nonFinite.value} at element ${nonFinite.index}; a score must be a finite number`);
  }
  return byName;
}
