// The ordered list of schema migrations; a workspace records which ones it has applied.
import { migration001Initial } from './001-initial';
import { migration002OwnerStarted } from './002-owner-started';
import { migration003TrainingJobs } from './003-training-jobs';
import { migration004RunCancelRequests } from './004-run-cancel-requests';
import { migration005RunIdentity } from './005-run-identity';
import { migration006WorkspaceTidy } from './006-workspace-tidy';
import { migration007RemoteModels } from './007-remote-models';
import { migration008SlurmTraining } from './008-slurm-training';
import { migration009SuspectRole } from './009-suspect-role';
import { migration010ExecutionProvider } from './010-execution-provider';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  migration001Initial,
  migration002OwnerStarted,
  migration003TrainingJobs,
  migration004RunCancelRequests,
  migration005RunIdentity,
  migration006WorkspaceTidy,
  migration007RemoteModels,
  migration008SlurmTraining,
  migration009SuspectRole,
  migration010ExecutionProvider,
];
