// The machine's float32 GEMM peak as the engine's runtime reaches it: a one-MatMul ONNX model (written by the
// PyTorch side, since the bench cannot write ONNX itself) timed with ONNX Runtime at the bench's thread count.
// The bound uses the larger of this and torch.mm's rate, so the distance to the limit is never flattered.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { runTorch } from './torch-child';

export async function ortGemmFlops(threads: number, size = 1024, rounds = 5, secondsEach = 0.5): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-gemm-'));
  const file = path.join(dir, 'matmul.onnx');
  try {
    runTorch('export-matmul', { records: size, out: file });
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
    });
    const x = new ort.Tensor(
      'float32',
      Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5),
      [size, size],
    );
    const rates: number[] = [];
    await session.run({ x });
    for (let r = 0; r < rounds; r++) {
      let loops = 0;
      const started = performance.now();
      while (performance.now() - started < secondsEach * 1000) {
        await session.run({ x });
        loops += 1;
      }
      rates.push((2 * size ** 3 * loops) / ((performance.now() - started) / 1000));
    }
    await session.release();
    return rates;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
