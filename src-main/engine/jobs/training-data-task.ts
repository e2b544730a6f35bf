// The task that prepares a training script's input in the engine host: a batch of pooled records, decoded and
// preprocessed with the target's spec, sent back as one float32 array. Kept free of engine runtime imports, like
// engine-task.ts, which lists it: the service process loads the schemas without ONNX Runtime or sharp.
import { z } from 'zod';
import { RunRecord } from '../attacks/run-record';
import { PreprocessSpec } from '../models/preprocess-spec';

export const TrainingDataTask = z.object({
  kind: z.literal('prepare-training-data'),
  records: z.array(RunRecord),
  preprocess: PreprocessSpec,
});
export type TrainingDataTask = z.infer<typeof TrainingDataTask>;

/** `tensors` holds the records' tensors in task order, concatenated, in the spec's layout. */
export const TrainingDataResult = z.object({
  kind: z.literal('prepare-training-data'),
  // Any Float32Array: the record images' tensors are typed over ArrayBufferLike, which z.instanceof does not accept.
  tensors: z.custom<Float32Array>((value) => value instanceof Float32Array, 'expected a Float32Array'),
});
export type TrainingDataResult = z.infer<typeof TrainingDataResult>;
