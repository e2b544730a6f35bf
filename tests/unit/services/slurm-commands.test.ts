// The Slurm backend's pure parts: the argv it builds (never a shell string with user text in it), the quoting used
// over ssh (checked by a real bash reading it back), the path mapping, and how a task's state is decided from
// squeue, the task's exit file and sacct.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SlurmSettings } from '../../../src-shared/contract/contract-training';
import type { SlurmTaskState } from '../../../src-shared/domain/training';
import { onSubmitHost, parseSbatchJobId, sbatchArgv, shellQuote } from '../../../src-main/services/training/slurm-commands';
import { toClusterPath } from '../../../src-main/services/training/slurm-staging';
import { nextTaskState, parseSacct, parseSqueue } from '../../../src-main/services/training/slurm-status';

const settings = (input: Record<string, unknown>) => SlurmSettings.parse(input);

describe('Slurm commands', () => {
  it('passes every setting to sbatch as its own argument, extra arguments last before the script', () => {
    const argv = sbatchArgv({
      settings: settings({
        partition: 'gpu',
        account: 'audit-team',
        qos: 'normal',
        time: '1:00:00',
        cpusPerTask: 4,
        mem: '8G',
        gres: 'gpu:1',
        arrayLimit: 8,
        extraArgs: ['--constraint=v100 a100', '--exclusive'],
      }),
      array: '0-63',
      jobName: 'mia-reference-7',
      script: '/shared/job 7/run.sh',
      logPattern: '/shared/job 7/logs/task-%a.log',
      workDir: '/shared/job 7',
    });
    expect(argv).toEqual([
      'sbatch',
      '--parsable',
      '--array=0-63%8',
      '--job-name=mia-reference-7',
      '--output=/shared/job 7/logs/task-%a.log',
      '--chdir=/shared/job 7',
      '--partition=gpu',
      '--account=audit-team',
      '--qos=normal',
      '--time=1:00:00',
      '--cpus-per-task=4',
      '--mem=8G',
      '--gres=gpu:1',
      '--constraint=v100 a100',
      '--exclusive',
      '/shared/job 7/run.sh',
    ]);
  });

  it("refuses settings that would read as another option or a shell's syntax", () => {
    for (const bad of [
      { partition: '-x' },
      { account: 'a b' },
      { qos: 'q;rm' },
      { time: '1h' },
      { mem: '8 GB' },
      { submitHost: '-oProxyCommand=x' },
      { extraArgs: ['x'] },
    ]) {
      expect(SlurmSettings.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('quotes each argument for the login node so its shell reads back exactly the argv built here', () => {
    const argv = ['sbatch', '--comment=it\'s $(rm -rf ~) `x` "q" ; | & *', '/path with spaces/run.sh', ''];
    const wrapped = onSubmitHost('login.cluster', argv);
    expect(wrapped.slice(0, 5)).toEqual(['ssh', '-o', 'BatchMode=yes', '--', 'login.cluster']);
    // What ssh hands to the remote shell is wrapped[5]; a real bash splits it back into the original words.
    const words = execFileSync('bash', ['-c', `printf '%s\\0' ${wrapped[5]}`])
      .toString()
      .split('\0')
      .slice(0, -1);
    expect(words).toEqual(argv);
    expect(onSubmitHost(null, argv)).toEqual(argv);
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it('reads the job id sbatch --parsable prints, with or without a cluster name', () => {
    expect(parseSbatchJobId('4242\n')).toBe('4242');
    expect(parseSbatchJobId('4242;cluster-a\n')).toBe('4242');
    expect(() => parseSbatchJobId('sbatch: error: Batch job submission failed')).toThrow(/where a job id was expected/);
  });

  it('maps the workstation folder to where the cluster mounts it, and refuses a folder outside the mapping', () => {
    const pathMap = { workstation: '/mnt/cluster-home/audits', cluster: '/home/auditor/audits' };
    expect(toClusterPath('/mnt/cluster-home/audits/job/.mia-slurm', pathMap)).toBe('/home/auditor/audits/job/.mia-slurm');
    expect(toClusterPath('/anywhere/.mia-slurm', undefined)).toBe('/anywhere/.mia-slurm');
    expect(() => toClusterPath('/mnt/elsewhere/job', pathMap)).toThrow(expect.objectContaining({ code: 'training.slurm-path-unmapped' }));
  });
});

describe('Slurm task states', () => {
  const task = (state: string, jobId = '12'): SlurmTaskState => ({ index: 3, name: 'ref_03', jobId, state, exitCode: null, logTail: [] });
  const none = { squeue: new Map<string, string>(), sacct: new Map(), exitFile: () => null };

  it('parses squeue and sacct lines per array task', () => {
    expect(parseSqueue('12_0|RUNNING\n12_1|PENDING\n12_[2-3%1]|PENDING\n')).toEqual(
      new Map([
        ['12_0', 'RUNNING'],
        ['12_1', 'PENDING'],
      ]),
    );
    expect(parseSacct('12_0|COMPLETED|0:0\n12_0.batch|COMPLETED|0:0\n12_1|CANCELLED by 0|0:15\n12_2|FAILED|2:0\n')).toEqual(
      new Map([
        ['12_0', { state: 'COMPLETED', exitCode: 0 }],
        ['12_1', { state: 'CANCELLED', exitCode: 0 }],
        ['12_2', { state: 'FAILED', exitCode: 2 }],
      ]),
    );
  });

  it('takes the queue while a task is queued or running, then its exit file, then sacct', () => {
    expect(nextTaskState(task('PENDING'), { ...none, squeue: new Map([['12_3', 'RUNNING']]) })).toEqual({
      state: 'RUNNING',
      exitCode: null,
    });
    // Gone from the queue (no accounting database): the exit file decides.
    expect(nextTaskState(task('RUNNING'), { ...none, exitFile: () => ({ code: 0, jobId: '12' }) })).toEqual({
      state: 'COMPLETED',
      exitCode: 0,
    });
    expect(nextTaskState(task('RUNNING'), { ...none, exitFile: () => ({ code: 3, jobId: '12' }) })).toEqual({
      state: 'FAILED',
      exitCode: 3,
    });
    // An exit file an earlier submission of this index left is not this run's outcome.
    expect(nextTaskState(task('RUNNING', '15'), { ...none, exitFile: () => ({ code: 0, jobId: '12' }) })).toEqual({
      state: 'UNKNOWN',
      exitCode: null,
    });
    expect(nextTaskState(task('RUNNING'), { ...none, sacct: new Map([['12_3', { state: 'TIMEOUT', exitCode: 0 }]]) })).toEqual({
      state: 'TIMEOUT',
      exitCode: 0,
    });
    // The queue's own ended state wins, with the exit status the task wrote.
    expect(
      nextTaskState(task('RUNNING'), { ...none, squeue: new Map([['12_3', 'CANCELLED']]), exitFile: () => ({ code: 143, jobId: '12' }) }),
    ).toEqual({
      state: 'CANCELLED',
      exitCode: 143,
    });
    // An ended task keeps its state whatever the sources say later.
    expect(nextTaskState({ ...task('FAILED'), exitCode: 3 }, { ...none, squeue: new Map([['12_3', 'RUNNING']]) })).toEqual({
      state: 'FAILED',
      exitCode: 3,
    });
  });
});
