// An opt-in timer that splits an engine workload's wall time into stages (decode, preprocess, model, scoring), so
// `npm run bench` can say where the time goes. It is off unless a bench starts it; off, a wrapped call costs a null
// check and the caller's closure, no clock read, so the engine keeps it in its hot paths for good.
export const profileStages = ['decode', 'preprocess', 'model', 'scoring'] as const;
export type ProfileStage = (typeof profileStages)[number];
/** Seconds spent in each stage, exclusive of the stages nested inside it. */
export type StageSeconds = Record<ProfileStage, number>;

interface Frame {
  readonly stage: ProfileStage;
  readonly started: number;
  /** Time spent in stages nested inside this one, which the parent does not count as its own. */
  inner: number;
}

interface Profile {
  readonly totals: StageSeconds;
  readonly stack: Frame[];
}

let active: Profile | null = null;

const zero = (): StageSeconds => ({ decode: 0, preprocess: 0, model: 0, scoring: 0 });

/** Starts accumulating (and drops anything accumulated before). */
export function startStageProfile(): void {
  active = { totals: zero(), stack: [] };
}

/** Stops the timer and returns the seconds per stage since startStageProfile. */
export function stopStageProfile(): StageSeconds {
  const totals = active?.totals ?? zero();
  active = null;
  return totals;
}

export const stageProfileActive = (): boolean => active !== null;

function enter(profile: Profile, stage: ProfileStage): Frame {
  const frame: Frame = { stage, started: performance.now(), inner: 0 };
  profile.stack.push(frame);
  return frame;
}

function leave(profile: Profile, frame: Frame): void {
  const elapsed = performance.now() - frame.started;
  // Removed by identity: stages are entered from sequential code (a target awaits its decode, then its model), so
  // the frame is normally on top; if it is not, the stack stays consistent all the same.
  const at = profile.stack.lastIndexOf(frame);
  if (at >= 0) profile.stack.splice(at, 1);
  profile.totals[frame.stage] += (elapsed - frame.inner) / 1000;
  const parent = profile.stack[at - 1];
  if (parent) parent.inner += elapsed;
}

/** Runs synchronous `work`, counting its time to `stage` while a profile is active. */
export function timeStage<T>(stage: ProfileStage, work: () => T): T {
  const profile = active;
  if (!profile) return work();
  const frame = enter(profile, stage);
  try {
    return work();
  } finally {
    if (active === profile) leave(profile, frame);
  }
}

/**
 * Awaits `work`, counting its time to `stage` while a profile is active. Only for work the caller awaits before
 * entering another stage: concurrent stages would count the same wall time twice. Off, it hands back `work()`'s own
 * promise, without an async frame around it.
 */
export function timeStageAsync<T>(stage: ProfileStage, work: () => Promise<T>): Promise<T> {
  const profile = active;
  return profile ? timedAsync(profile, stage, work) : work();
}

async function timedAsync<T>(profile: Profile, stage: ProfileStage, work: () => Promise<T>): Promise<T> {
  const frame = enter(profile, stage);
  try {
    return await work();
  } finally {
    if (active === profile) leave(profile, frame);
  }
}
