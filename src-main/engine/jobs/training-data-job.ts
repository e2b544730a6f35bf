// Preprocesses training records in the engine host with the same decoding, resize, scaling and normalisation the
// attacks apply at inference, so training and scoring cannot disagree about what an image looks like.
import { MiaError } from '../../common/errors';
import { createRecordImages } from './record-images';
import type { JobContext } from './job-context';
import type { TrainingDataResult, TrainingDataTask } from './training-data-task';

export async function runTrainingDataJob(task: TrainingDataTask, ctx: JobContext): Promise<TrainingDataResult> {
  // No tensor cache: each record is read once, and the pool may be far larger than the cache budget.
  const images = createRecordImages(0);
  if (ctx.signal.aborted) throw new MiaError('job.cancelled', 'The job was cancelled.');
  const tensors = await images.tensors(task.records, task.preprocess);
  ctx.progress('preprocess', task.records.length, task.records.length, 'records');
  return { kind: 'prepare-training-data', tensors };
}
