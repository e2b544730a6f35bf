// The Slurm part of the training form: the settings the page may set for a job array (where it is submitted from,
// the path mapping, the resources each task asks for), turned into the contract's SlurmSettings with blanks left out
// so Slurm's and the backend's defaults apply. The preamble, the cluster's Python and extra sbatch arguments are not
// here: they run commands on the cluster, so the backend takes them only from an audit config (slurm-page-guard.ts).
import { SlurmSettings } from '../../src-shared/contract/contract';
import { contractInputLimits } from './contract-validation';
import { numberFrom, type NumberInput } from './number-input';

export interface SlurmForm {
  /** Blank: this machine is a submit host. */
  submitHost: string;
  partition: string;
  account: string;
  qos: string;
  time: string;
  cpusPerTask: NumberInput;
  mem: string;
  gres: string;
  arrayLimit: NumberInput;
  pollSeconds: NumberInput;
  /** The path mapping's two sides; both blank: the cluster sees the training folder where this machine does. */
  workstationFolder: string;
  clusterFolder: string;
}

export function emptySlurmForm(): SlurmForm {
  return {
    submitHost: '',
    partition: '',
    account: '',
    qos: '',
    time: '',
    cpusPerTask: '',
    mem: '',
    gres: '',
    arrayLimit: '',
    pollSeconds: '',
    workstationFolder: '',
    clusterFolder: '',
  };
}

/** The form's text fields that go to SlurmSettings under the same name. */
const textKeys = ['submitHost', 'partition', 'account', 'qos', 'time', 'mem', 'gres'] as const;
const numberKeys = ['cpusPerTask', 'arrayLimit', 'pollSeconds'] as const;

/**
 * The settings as the page sends them (not yet checked): a blank field is left out; a path mapping is sent when
 * either side is filled in, so a missing other side is pointed at rather than the mapping silently dropped.
 */
export function slurmSettingsFrom(form: SlurmForm): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const key of textKeys) if (form[key].trim() !== '') settings[key] = form[key].trim();
  for (const key of numberKeys) {
    const value = numberFrom(form[key]);
    if (value !== undefined) settings[key] = value;
  }
  const workstation = form.workstationFolder.trim();
  const cluster = form.clusterFolder.trim();
  if (workstation !== '' || cluster !== '') settings.pathMap = { workstation, cluster };
  return settings;
}

/** What each Slurm field is called in the panel's summary of what to fix, by the path the contract reports it under. */
export const slurmFieldNames: Readonly<Record<string, string>> = {
  'slurm.submitHost': 'the SSH submit host',
  'slurm.partition': 'the partition',
  'slurm.account': 'the account',
  'slurm.qos': 'the QoS',
  'slurm.time': 'the time limit',
  'slurm.cpusPerTask': 'the CPUs per task',
  'slurm.mem': 'the memory',
  'slurm.gres': 'the GRES',
  'slurm.arrayLimit': 'the array limit',
  'slurm.pollSeconds': 'the poll interval',
  'slurm.pathMap.workstation': 'the workstation folder of the path mapping',
  'slurm.pathMap.cluster': 'the cluster folder of the path mapping',
};

/** The contract's limits on the Slurm number fields, for the inputs' min and max. */
export const slurmInputLimits = contractInputLimits(SlurmSettings);
