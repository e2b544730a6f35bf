// Every command the Slurm backend runs, built as argv arrays in this one module: sbatch, squeue, sacct and scancel,
// run here (a submit host) or on a login node through `ssh HOST`. Nothing is ever passed through a local shell; over
// ssh the remote side does run a shell, so each argument is single-quoted for it here and nowhere else.
import { execFile } from 'node:child_process';
import type { z } from 'zod';
import type { SlurmSettings } from '../../../src-shared/contract/contract-training';
import { MiaError } from '../../common/errors';

/** The settings after the contract's parsing (defaults filled). */
export type ParsedSlurmSettings = z.output<typeof SlurmSettings>;

/** One word for a POSIX shell: single quotes, with each embedded quote closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The argv that runs `argv` where Slurm is: unchanged on a submit host; else through the user's own ssh (their
 * config, keys and agent). BatchMode makes ssh fail instead of asking for a password, which is never stored here.
 */
export function onSubmitHost(submitHost: string | null, argv: readonly string[]): string[] {
  if (submitHost === null) return [...argv];
  return ['ssh', '-o', 'BatchMode=yes', '--', submitHost, argv.map(shellQuote).join(' ')];
}

export interface SbatchOptions {
  readonly settings: ParsedSlurmSettings;
  /** Indices, e.g. "0-3" or "2,5"; `%LIMIT` is added from the settings. */
  readonly array: string;
  readonly jobName: string;
  /** Paths as the cluster sees them. */
  readonly script: string;
  readonly logPattern: string;
  readonly workDir: string;
}

/** `sbatch --parsable --array=…` with the job's settings; extra arguments go last so they can override ours. */
export function sbatchArgv(options: SbatchOptions): string[] {
  const { settings } = options;
  const limit = settings.arrayLimit === undefined ? '' : `%${settings.arrayLimit}`;
  const optional: [string, string | number | undefined][] = [
    ['--partition', settings.partition],
    ['--account', settings.account],
    ['--qos', settings.qos],
    ['--time', settings.time],
    ['--cpus-per-task', settings.cpusPerTask],
    ['--mem', settings.mem],
    ['--gres', settings.gres],
  ];
  return [
    'sbatch',
    '--parsable',
    `--array=${options.array}${limit}`,
    `--job-name=${options.jobName}`,
    `--output=${options.logPattern}`,
    `--chdir=${options.workDir}`,
    ...optional.filter(([, value]) => value !== undefined).map(([flag, value]) => `${flag}=${String(value)}`),
    ...settings.extraArgs,
    options.script,
  ];
}

/** One line per array task, pending ones expanded (--array), recently ended ones too (--states=all). */
export function squeueArgv(jobIds: readonly string[]): string[] {
  return ['squeue', '--noheader', '--array', '--states=all', `--jobs=${jobIds.join(',')}`, '--format=%i|%T'];
}

/** Per-task states from the accounting database; empty (or an error) on a cluster without one. */
export function sacctArgv(jobIds: readonly string[]): string[] {
  return ['sacct', '--noheader', '--parsable2', '--allocations', `--jobs=${jobIds.join(',')}`, '--format=JobID,State,ExitCode'];
}

export function scancelArgv(jobIds: readonly string[]): string[] {
  return ['scancel', ...jobIds];
}

/** The job id `sbatch --parsable` printed ("123" or "123;cluster"). */
export function parseSbatchJobId(stdout: string): string {
  const match = /^(\d+)(;\S+)?\s*$/.exec(stdout.trim());
  if (!match) throw new MiaError('training.slurm-submit-failed', `sbatch printed "${stdout.trim()}" where a job id was expected.`);
  return match[1]!;
}

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs argv (no shell); resolves with its exit status and output, rejects only when it cannot be started. */
export function runCommand(argv: readonly string[], timeoutMs = 60_000): Promise<CommandResult> {
  const [file, ...args] = argv;
  return new Promise((resolve, reject) => {
    execFile(file!, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, windowsHide: true }, (error, stdout, stderr) => {
      const code = (error as (NodeJS.ErrnoException & { code?: unknown }) | null)?.code;
      if (error && typeof code === 'string') {
        reject(
          new MiaError('training.slurm-unavailable', `Could not run ${file}: ${error.message}. Is Slurm's client installed here (or ssh)?`),
        );
        return;
      }
      resolve({ code: error ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}
