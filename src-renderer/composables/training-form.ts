// The training panel's form turned into the contract's requests: blank optional fields are left out (so the
// backend takes its defaults or the target's sidecar recipe), the request is checked with the contract's own schema,
// and what cannot be sent is said under each field and listed for the auditor.
// The page never sends a path: in the browser it names a folder under the host's training root, in the app the
// main process asks for the folder with its own dialog. Training runs on this machine or, with its Slurm settings
// (slurm-form.ts), as a job array on the auditor's cluster.
import {
  SplitPlanRequest,
  type SlurmSettings,
  TrainingRecipe,
  TrainingStartRequest,
  type SplitPurpose,
  type TrainingBackend,
  type TrainingSettings,
} from '../../src-shared/contract/contract';
import { checkAgainstContract, contractInputLimits, type FieldMessages } from './contract-validation';
import { numberFrom, type NumberInput } from './number-input';
import { emptySlurmForm, slurmFieldNames, slurmSettingsFrom, type SlurmForm } from './slurm-form';

export type { NumberInput } from './number-input';

/** How this front door picks training folders (from settings); null until the settings are loaded. */
export type FolderChoice = TrainingSettings['folderChoice'] | null;

export interface TrainingForm {
  purpose: SplitPurpose;
  datasetId: number | null;
  targetModelId: number | null;
  count: NumberInput;
  seed: NumberInput;
  trainSize: NumberInput;
  /** Used only where the folder is named (the browser); the app's dialog ignores it. */
  folderName: string;
  epochs: NumberInput;
  learningRate: NumberInput;
  batchSize: NumberInput;
  weightDecay: NumberInput;
  name: string;
  /** local: the training bridge on this machine; slurm: a job array on the cluster, with `slurm`'s settings. */
  backend: TrainingBackend;
  slurm: SlurmForm;
}

export function emptyTrainingForm(): TrainingForm {
  return {
    purpose: 'shadow',
    datasetId: null,
    targetModelId: null,
    count: 8,
    seed: 0,
    trainSize: '',
    folderName: '',
    epochs: '',
    learningRate: '',
    batchSize: '',
    weightDecay: '',
    name: '',
    backend: 'local',
    slurm: emptySlurmForm(),
  };
}

export const purposeExplanations: Record<SplitPurpose, string> = {
  shadow: "Shadow models (Shokri): each trains on m records of the dataset's aux pool and holds out another m.",
  reference:
    'Reference models (LiRA, RMIA): each trains on a random half of the audited records, so every record is in about half of them.',
};

/** What each field is called in the panel's summary of what to fix, by the path the contract reports it under. */
const fieldNames: Record<string, string> = {
  count: 'the number of models',
  seed: 'the seed',
  trainSize: 'the train size',
  folderName: 'the folder name',
  'recipe.epochs': 'the epochs',
  'recipe.learningRate': 'the learning rate',
  'recipe.batchSize': 'the batch size',
  'recipe.weightDecay': 'the weight decay',
  name: 'the set name',
  ...slurmFieldNames,
};

/** The contract's limits on the form's number fields, for the inputs' min and max. */
export const trainingInputLimits = { ...contractInputLimits(SplitPlanRequest), ...contractInputLimits(TrainingRecipe) };

export interface BuiltRequests {
  plan: SplitPlanRequest | null;
  start: TrainingStartRequest | null;
  /** Why the requests cannot be built yet, in words for the panel. */
  problems: string[];
  /** What the contract says about each field that does not fit, shown under that field. */
  fieldMessages: FieldMessages;
}

/** The folder part of a request (checked with the rest against the contract), or why there is none yet. */
function folderPart(form: TrainingForm, folderChoice: FolderChoice): { folderName?: string } | { problem: string } {
  if (folderChoice === null) return { problem: 'wait for the settings to load' };
  if (folderChoice === 'none') return { problem: 'this window cannot choose where plans go; use mia plan --out DIR' };
  if (folderChoice === 'dialog') return {};
  const name = form.folderName.trim();
  return name ? { folderName: name } : { problem: 'enter a folder name' };
}

export function buildTrainingRequests(form: TrainingForm, folderChoice: FolderChoice): BuiltRequests {
  const problems: string[] = [];
  if (form.datasetId === null) problems.push('choose a dataset');
  if (form.targetModelId === null) problems.push('choose a target classifier');
  const folder = folderPart(form, folderChoice);
  if ('problem' in folder) problems.push(folder.problem);
  const optional = (key: string, input: NumberInput) => {
    const value = numberFrom(input);
    return value === undefined ? {} : { [key]: value };
  };
  const name = form.name.trim();
  const slurm = form.backend === 'slurm' ? slurmSettingsFrom(form.slurm) : null;
  // Count and seed are always sent: a blank one is a mistake to point at (NaN), not a wish for the default.
  const candidate = {
    purpose: form.purpose,
    datasetId: form.datasetId,
    targetModelId: form.targetModelId,
    count: numberFrom(form.count) ?? Number.NaN,
    seed: numberFrom(form.seed) ?? Number.NaN,
    ...(form.purpose === 'shadow' ? optional('trainSize', form.trainSize) : {}),
    ...('problem' in folder ? {} : folder),
    recipe: {
      ...optional('epochs', form.epochs),
      ...optional('learningRate', form.learningRate),
      ...optional('batchSize', form.batchSize),
      ...optional('weightDecay', form.weightDecay),
    },
    ...(name ? { name } : {}),
    ...(slurm ? { backend: 'slurm', slurm } : {}),
  };
  const checked = checkAgainstContract(TrainingStartRequest, candidate);
  // A missing dataset or target is already asked for above, in the panel's words.
  const fieldMessages = Object.fromEntries(Object.entries(checked.messages).filter(([path]) => path in fieldNames));
  for (const path of Object.keys(fieldMessages)) problems.push(`fix ${fieldNames[path]}`);
  if (problems.length > 0 || checked.value === null) return { plan: null, start: null, problems, fieldMessages };
  // The plan is the training request without what only training uses. The start request carries the Slurm settings
  // as the page set them, not with the contract's defaults filled in, so it never looks as if the page chose the
  // cluster's Python or a preamble.
  const { recipe, name: setName, backend, slurm: _slurm, ...plan } = checked.value;
  const start: TrainingStartRequest = {
    ...plan,
    recipe,
    ...(setName !== undefined ? { name: setName } : {}),
    // Checked against the contract above, as part of the whole request.
    ...(backend === 'slurm' && slurm ? { backend, slurm: slurm as SlurmSettings } : {}),
  };
  return { plan, start, problems, fieldMessages };
}
