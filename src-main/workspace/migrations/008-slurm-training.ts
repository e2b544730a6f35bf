// Migration 8: training jobs run as Slurm job arrays. A job records its backend; a Slurm job also its first array
// job id, its state (array job ids, per-task states, the staging folder as the cluster sees it, JSON) and the
// settings it was submitted with (JSON), so a restarted workbench can re-attach to it, resubmit failed tasks and
// import what finished while it was closed.
export const migration008SlurmTraining = {
  version: 8,
  name: 'slurm-training',
  sql: `
ALTER TABLE training_jobs ADD COLUMN backend TEXT NOT NULL DEFAULT 'local' CHECK (backend IN ('local', 'slurm'));
ALTER TABLE training_jobs ADD COLUMN slurm_job_id TEXT;
ALTER TABLE training_jobs ADD COLUMN slurm TEXT;
ALTER TABLE training_jobs ADD COLUMN slurm_settings TEXT;
`,
} as const;
