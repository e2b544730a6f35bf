// The training panel's form to request mapping: blanks left out so the backend's defaults apply, values that the
// contract would refuse named before anything is sent, both requests accepted by the contract's schemas, and no
// path ever sent: a folder name in the browser, nothing in the app (its dialog asks). With the Slurm backend, the
// settings the page may set are sent as given (blanks left out, no contract defaults such as the cluster's Python
// filled in), and each one the contract refuses is named under its field.
import { describe, expect, it } from 'vitest';
import { SplitPlanRequest, TrainingStartRequest } from '../../../src-shared/contract/contract';
import { emptySlurmForm, slurmInputLimits, type SlurmForm } from '../../../src-renderer/composables/slurm-form';
import {
  buildTrainingRequests,
  emptyTrainingForm,
  trainingInputLimits,
  type TrainingForm,
} from '../../../src-renderer/composables/training-form';

const filled = (changes: Partial<TrainingForm> = {}): TrainingForm => ({
  ...emptyTrainingForm(),
  datasetId: 3,
  targetModelId: 5,
  folderName: ' shadows ',
  ...changes,
});

describe('training form', () => {
  it('starts with 8 shadow models and seed 0, and asks for a dataset, a target and a folder name', () => {
    const form = emptyTrainingForm();
    expect(form).toMatchObject({ purpose: 'shadow', count: 8, seed: 0 });
    const built = buildTrainingRequests(form, 'name');
    expect(built.plan).toBeNull();
    expect(built.start).toBeNull();
    expect(built.problems).toEqual(['choose a dataset', 'choose a target classifier', 'enter a folder name']);
  });

  it('leaves blank optional fields out so the backend takes the defaults and the sidecar recipe', () => {
    const built = buildTrainingRequests(filled(), 'name');
    expect(built.problems).toEqual([]);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 8, seed: 0, folderName: 'shadows' });
    expect(built.start).toEqual({ ...built.plan, recipe: {} });
    expect(SplitPlanRequest.safeParse(built.plan).success).toBe(true);
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
  });

  it('sends train size, recipe and set name when given (text or number), and drops train size for reference plans', () => {
    const form = filled({
      count: '2',
      seed: 7,
      trainSize: 500,
      epochs: '3',
      learningRate: 0.01,
      batchSize: '64',
      weightDecay: '0',
      name: ' my shadows ',
    });
    const built = buildTrainingRequests(form, 'name');
    expect(built.plan).toEqual({
      purpose: 'shadow',
      datasetId: 3,
      targetModelId: 5,
      count: 2,
      seed: 7,
      trainSize: 500,
      folderName: 'shadows',
    });
    expect(built.start).toEqual({
      ...built.plan,
      recipe: { epochs: 3, learningRate: 0.01, batchSize: 64, weightDecay: 0 },
      name: 'my shadows',
    });
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
    expect(buildTrainingRequests({ ...form, purpose: 'reference' }, 'name').plan).not.toHaveProperty('trainSize');
  });

  it('sends no folder at all in the app, whose dialog asks, and refuses to build a request where no folder can be chosen', () => {
    const built = buildTrainingRequests(filled({ folderName: '/tmp/anything' }), 'dialog');
    expect(built.problems).toEqual([]);
    expect(built.plan).toEqual({ purpose: 'shadow', datasetId: 3, targetModelId: 5, count: 8, seed: 0 });
    expect(buildTrainingRequests(filled(), 'none').problems).toEqual(['this window cannot choose where plans go; use mia plan --out DIR']);
    expect(buildTrainingRequests(filled(), null).plan).toBeNull();
  });

  it("refuses a folder name that is a path, or climbs out with .., with the contract's own words under the field", () => {
    for (const folderName of ['../x', '/tmp/x', 'a/b', 'a\\b', '..', '.hidden', 'a..b']) {
      const built = buildTrainingRequests(filled({ folderName }), 'name');
      expect(built.plan, folderName).toBeNull();
      expect(built.problems, folderName).toEqual(['fix the folder name']);
      expect(built.fieldMessages.folderName, folderName).toMatch(/^Must (be a single name|not contain "\.\.")/);
    }
  });

  it('names every value the contract would refuse under its own field, with the limits the contract sets', () => {
    const built = buildTrainingRequests(
      filled({ count: 0, seed: '', trainSize: 2.5, epochs: '1001', learningRate: 0, batchSize: 'many', weightDecay: 2, name: ' ' }),
      'name',
    );
    expect(built.plan).toBeNull();
    expect(built.start).toBeNull();
    // The limits below are written out here (SplitPlanRequest and TrainingRecipe in src-shared/contract), not read
    // from the schemas, so a limit that changes on one side only fails this test.
    expect(built.fieldMessages).toEqual({
      count: 'Must be at least 1.',
      seed: 'Enter a number.',
      trainSize: 'Enter a whole number.',
      'recipe.epochs': 'Must be at most 1000.',
      'recipe.learningRate': 'Must be greater than 0.',
      'recipe.batchSize': 'Enter a number.',
      'recipe.weightDecay': 'Must be at most 1.',
    });
    expect(built.problems).toEqual([
      'fix the number of models',
      'fix the seed',
      'fix the train size',
      'fix the epochs',
      'fix the learning rate',
      'fix the batch size',
      'fix the weight decay',
    ]);
  });

  it("refuses a seed or a count just past the contract's limit and takes the limit itself", () => {
    const over = buildTrainingRequests(filled({ seed: 2 ** 31, count: 257 }), 'name');
    expect(over.plan).toBeNull();
    expect(over.fieldMessages).toEqual({ seed: 'Must be at most 2147483647.', count: 'Must be at most 256.' });
    // Past 2^53 the contract's own bound is still the one named, not zod's safe-integer range.
    expect(buildTrainingRequests(filled({ seed: 2 ** 60 }), 'name').fieldMessages).toEqual({ seed: 'Must be at most 2147483647.' });
    const atLimit = buildTrainingRequests(filled({ seed: 2 ** 31 - 1, count: 256, batchSize: 4096 }), 'name');
    expect(atLimit.fieldMessages).toEqual({});
    expect(atLimit.start).toMatchObject({ seed: 2147483647, count: 256, recipe: { batchSize: 4096 } });
  });

  it("gives the inputs the contract's limits", () => {
    expect(trainingInputLimits).toMatchObject({
      count: { min: 1, max: 256 },
      seed: { min: 0, max: 2147483647 },
      trainSize: { min: 1 },
      epochs: { min: 1, max: 1000 },
      learningRate: { min: 0, max: 10 },
      batchSize: { min: 1, max: 4096 },
      weightDecay: { min: 0, max: 1 },
    });
    expect(trainingInputLimits.trainSize).not.toHaveProperty('max');
  });

  it('sends no backend or Slurm settings for this machine, even when Slurm fields were filled in before switching back', () => {
    const slurm: SlurmForm = { ...emptySlurmForm(), partition: 'gpu', time: 'soon' };
    const built = buildTrainingRequests(filled({ slurm }), 'name');
    expect(built.problems).toEqual([]);
    expect(built.start).toEqual({ ...built.plan, recipe: {} });
  });

  it('sends the Slurm settings the page set, trimmed, and leaves blanks and the commands it may not set out', () => {
    const slurm: SlurmForm = {
      ...emptySlurmForm(),
      submitHost: ' login1 ',
      partition: 'gpu',
      account: 'proj-7',
      qos: 'normal',
      time: '1:00:00',
      cpusPerTask: 4,
      mem: '8G',
      gres: 'gpu:a100:1',
      arrayLimit: '2',
      pollSeconds: 0.5,
      workstationFolder: '/mnt/shared',
      clusterFolder: '/shared',
    };
    const built = buildTrainingRequests(filled({ backend: 'slurm', slurm, purpose: 'reference', count: 2 }), 'name');
    expect(built.problems).toEqual([]);
    expect(built.start).toEqual({
      purpose: 'reference',
      datasetId: 3,
      targetModelId: 5,
      count: 2,
      seed: 0,
      folderName: 'shadows',
      recipe: {},
      backend: 'slurm',
      slurm: {
        submitHost: 'login1',
        partition: 'gpu',
        account: 'proj-7',
        qos: 'normal',
        time: '1:00:00',
        cpusPerTask: 4,
        mem: '8G',
        gres: 'gpu:a100:1',
        arrayLimit: 2,
        pollSeconds: 0.5,
        pathMap: { workstation: '/mnt/shared', cluster: '/shared' },
      },
    });
    expect(TrainingStartRequest.safeParse(built.start).success).toBe(true);
    // The plan is the same as for this machine: Slurm settings are for training only.
    expect(built.plan).toEqual({ purpose: 'reference', datasetId: 3, targetModelId: 5, count: 2, seed: 0, folderName: 'shadows' });
    const blank = buildTrainingRequests(filled({ backend: 'slurm' }), 'name');
    expect(blank.start).toMatchObject({ backend: 'slurm', slurm: {} });
    expect(blank.start!.slurm).toEqual({});
  });

  it("names every Slurm setting the contract would refuse under its own field, with the contract's words", () => {
    const slurm: SlurmForm = {
      submitHost: '-oProxyCommand=x',
      partition: 'a b',
      account: '--all',
      qos: "q'",
      time: 'an hour',
      cpusPerTask: 0,
      mem: '4 GB',
      gres: '',
      arrayLimit: 1.5,
      pollSeconds: 0.1,
      workstationFolder: 'relative',
      clusterFolder: '',
    };
    const built = buildTrainingRequests(filled({ backend: 'slurm', slurm }), 'name');
    expect(built.start).toBeNull();
    expect(built.fieldMessages).toEqual({
      'slurm.submitHost': 'Must be an SSH host name or alias, not starting with a dash.',
      'slurm.partition': 'Must be one Slurm name (letters, digits and _ . : , + = / @ -), not starting with a dash.',
      'slurm.account': 'Must be one Slurm name (letters, digits and _ . : , + = / @ -), not starting with a dash.',
      'slurm.qos': 'Must be one Slurm name (letters, digits and _ . : , + = / @ -), not starting with a dash.',
      'slurm.time': 'Must be a Slurm time limit such as 30, 1:00:00 or 1-00:00:00.',
      'slurm.cpusPerTask': 'Must be at least 1.',
      'slurm.mem': 'Must be a Slurm memory size such as 4000 or 4G.',
      'slurm.arrayLimit': 'Enter a whole number.',
      'slurm.pollSeconds': 'Must be at least 0.5.',
      'slurm.pathMap.workstation': 'Must be an absolute path.',
      'slurm.pathMap.cluster': 'Must not be empty.',
    });
    expect(built.problems).toContain('fix the cluster folder of the path mapping');
    expect(built.problems).toContain('fix the time limit');
  });

  it("gives the Slurm number inputs the contract's limits", () => {
    expect(slurmInputLimits).toMatchObject({
      cpusPerTask: { min: 1, max: 1024 },
      arrayLimit: { min: 1, max: 10000 },
      pollSeconds: { min: 0.5, max: 600 },
    });
  });
});
