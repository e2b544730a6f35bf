// Runs the PyTorch side of the bench (bench/torch/torch_bench.py) as a child process and reads its one-line JSON.
// The interpreter is $MIA_BENCH_PYTHON, else Debian's /usr/bin/python3 (the one with torch), else python3 on PATH.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './paths';

export function pythonCommand(): string {
  if (process.env.MIA_BENCH_PYTHON) return process.env.MIA_BENCH_PYTHON;
  return fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

export function hasTorch(): boolean {
  try {
    execFileSync(pythonCommand(), ['-c', 'import torch, PIL, numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TorchResult {
  readonly records: number;
  readonly calls: number;
  readonly seconds: number[];
  readonly macs_per_call: Record<string, number>;
  readonly calls_by_model: Record<string, number>;
  readonly verify: Record<string, number[]>;
  readonly peak_rss_mib: number;
  readonly threads: number;
  readonly batch: number;
}

export function runTorch(workload: string, args: Record<string, number | string>): unknown {
  const script = path.join(repoRoot, 'bench', 'torch', 'torch_bench.py');
  const flags = Object.entries(args).flatMap(([k, v]) => [`--${k}`, String(v)]);
  const out = execFileSync(pythonCommand(), [script, workload, ...flags], {
    encoding: 'utf8',
    env: { ...process.env, OMP_WAIT_POLICY: 'PASSIVE' },
    maxBuffer: 64 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}
