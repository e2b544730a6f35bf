// Trains qmia's quantile regressor inside the engine host: writes the records' preprocessed tensors and a job file
// into the run's folder of the workspace, runs resources/training/train_quantile_regressor.py with the Python checked
// at Start, and opens the exported ONNX file to predict quantiles. The job file and the ONNX file stay in the run's
// folder (the tensors, derivable from the records, are removed), so the run can be understood and re-scored later.
import fs from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { MiaError } from '../../common/errors';
import { sha256OfFile } from '../../common/file-sha256';
import { resourcePath } from '../../common/package-root';
import { startTrainingProcess, type ScriptEvent } from '../../common/training-process';
import type {
  QuantileRegressorRequest,
  QuantileRegressorTrainer,
  TrainedQuantileRegressor,
} from '../attacks/classifier/quantile-regressor';
import type { RunRecord } from '../attacks/run-record';
import { openOnnxModel } from '../models/onnx-session';
import { batchDims, type PreprocessSpec } from '../models/preprocess-spec';
import type { JobContext } from './job-context';
import type { RecordImages } from './record-images';

/** Records preprocessed and predicted at once: bounds memory for large populations. */
const chunkRecords = 512;

/** The recipe's optimiser: Adam at a rate that settled the demo regressor's loss within 20 epochs. */
const recipe = { learningRate: 2e-3, weightDecay: 1e-4, batchSize: 64 } as const;

export interface QuantileRegressorTrainerOptions {
  /** The interpreter checked at Start to import torch. */
  readonly python: string;
  /** The run's own folder in the workspace; created when the first regressor is trained. */
  readonly folder: string;
  /** The target's preprocessing: the regressor sees images exactly as the target does. */
  readonly preprocess: PreprocessSpec;
  readonly images: RecordImages;
  /** Overrides the bundled recipe (tests). */
  readonly script?: string;
}

function fileSafe(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'model'
  );
}

async function writeTensors(images: RecordImages, records: readonly RunRecord[], spec: PreprocessSpec, file: string): Promise<void> {
  const handle = fs.openSync(file, 'w');
  try {
    for (let start = 0; start < records.length; start += chunkRecords) {
      const tensors = await images.tensors(records.slice(start, start + chunkRecords), spec);
      // Float32Array bytes are in the machine's order, little-endian on every platform Electron supports.
      fs.writeSync(handle, Buffer.from(tensors.buffer, tensors.byteOffset, tensors.byteLength));
    }
  } finally {
    fs.closeSync(handle);
  }
}

export function createQuantileRegressorTrainer(options: QuantileRegressorTrainerOptions): QuantileRegressorTrainer {
  const { preprocess, images } = options;
  let trained = 0;
  return {
    async train(request: QuantileRegressorRequest, ctx: JobContext): Promise<TrainedQuantileRegressor> {
      ctx.signal.throwIfAborted();
      trained++;
      fs.mkdirSync(options.folder, { recursive: true });
      const base = path.join(options.folder, `qmia-regressor-${trained}-${fileSafe(request.scoredBy)}`);
      const tensorFile = `${base}.tensors.f32`;
      const jobFile = `${base}.job.json`;
      const onnxFile = `${base}.onnx`;
      const phase = `training the quantile regressor on ${request.scoredBy}'s scores`;
      try {
        await writeTensors(images, request.records, preprocess, tensorFile);
        const trainOn: number[] = [];
        const heldOut: number[] = [];
        request.heldOut.forEach((flag, i) => (flag ? heldOut : trainOn).push(i));
        const job = {
          format: 'mia-workbench/quantile-regressor-job',
          version: 1,
          data: { file: tensorFile, count: request.records.length, shape: batchDims(preprocess, 1).slice(1), layout: preprocess.layout },
          // What the regressor learnt from, by record key, so the file explains itself.
          recordKeys: request.records.map((r) => r.key),
          scores: Array.from(request.scores),
          trainOn,
          heldOut,
          quantile: request.quantile,
          architecture: { name: 'quantile-cnn', width: request.width },
          recipe: { ...recipe, epochs: request.epochs },
          seed: request.seed,
          threads: 1,
          inputName: 'pixel_values',
          outputName: 'quantile',
          onnx: onnxFile,
        };
        fs.writeFileSync(jobFile, JSON.stringify(job));
        let model: Extract<ScriptEvent, { event: 'model' }> | null = null;
        const recipeRun = startTrainingProcess({
          python: options.python,
          script: options.script ?? resourcePath('training', 'train_quantile_regressor.py'),
          jobFile,
          threads: 1,
          onEvent(event) {
            if (event.event === 'epoch') ctx.progress(phase, event.epoch, event.epochs, 'epochs');
            if (event.event === 'model') model = event;
          },
          onLog: (line) => ctx.log('info', `quantile regressor: ${line}`),
        });
        const stop = () => recipeRun.cancel();
        ctx.signal.addEventListener('abort', stop, { once: true });
        try {
          await recipeRun.finished;
        } finally {
          ctx.signal.removeEventListener('abort', stop);
        }
        const result = model as Extract<ScriptEvent, { event: 'model' }> | null;
        if (!result)
          throw new MiaError('attack.regressor-failed', `${path.basename(jobFile)}: the recipe finished without reporting its model.`);
        return await openRegressor(onnxFile, result, preprocess, images);
      } finally {
        fs.rmSync(tensorFile, { force: true });
      }
    },
  };
}

async function openRegressor(
  file: string,
  result: Extract<ScriptEvent, { event: 'model' }>,
  preprocess: PreprocessSpec,
  images: RecordImages,
): Promise<TrainedQuantileRegressor> {
  const sha256 = await sha256OfFile(file);
  const session = await openOnnxModel(file);
  const input = session.inputs[0]!.name;
  const output = session.outputs[0]!.name;
  return {
    file,
    sha256,
    trainCoverage: result.trainAccuracy,
    heldOutCoverage: result.heldOutAccuracy,
    async predict(records) {
      const quantiles = new Float64Array(records.length);
      for (let start = 0; start < records.length; start += chunkRecords) {
        const chunk = records.slice(start, start + chunkRecords);
        const tensors = await images.tensors(chunk, preprocess);
        const outputs = await session.run({ [input]: new ort.Tensor('float32', tensors, batchDims(preprocess, chunk.length)) });
        const values = outputs[output]!.data as Float32Array;
        if (values.length !== chunk.length)
          throw new MiaError(
            'attack.regressor-failed',
            `${path.basename(file)} gave ${values.length} values for ${chunk.length} images; one quantile per image was expected.`,
          );
        quantiles.set(values, start);
      }
      return quantiles;
    },
    release: () => session.release(),
  };
}
