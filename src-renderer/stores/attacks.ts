// The attack catalogue (with each attack's parameter JSON Schema), set-level inference's own description, which of its
// attacks a target's access rules out (an image-variation API, a label-only classifier), and model-call estimates for
// the New run form.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AttackDescription, RunEstimate, RunStartRequest, SetInferenceDescription } from '../../src-shared/contract/contract';
import { attackAccessProblem, type TargetAccess } from '../../src-shared/domain/target-access';
import { api } from '../api';
import { attempt, useAsyncState, type ShownError } from '../composables/use-async-state';

export const useAttacksStore = defineStore('attacks', () => {
  const attacks = ref<AttackDescription[]>([]);
  /** Set-level inference: a test over a base attack, offered beside the attacks; null until loaded. */
  const setInference = ref<SetInferenceDescription | null>(null);
  const loaded = ref(false);
  /** The latest estimate, or the backend's refusal (invalid parameters, missing models), per attack id. */
  const estimates = ref<Record<string, { estimate: RunEstimate | null; error: ShownError | null }>>({});
  const { loading, error, track } = useAsyncState();

  async function refresh(): Promise<void> {
    await track(async () => {
      [attacks.value, setInference.value] = await Promise.all([api.attacks.list(), api.attacks.setInference()]);
      loaded.value = true;
    });
  }

  async function estimate(request: RunStartRequest): Promise<RunEstimate | null> {
    const result = await attempt(() => api.runs.estimate(request));
    const entry = result.ok ? { estimate: result.value, error: null } : { estimate: null, error: result.error };
    estimates.value = { ...estimates.value, [request.attack]: entry };
    return entry.estimate;
  }

  /** The attacks that cannot run through this access, each with the one-sentence reason New run shows. */
  function unavailableThrough(access: TargetAccess): Record<string, string> {
    const reasons: Record<string, string> = {};
    for (const attack of attacks.value) {
      const problem = attackAccessProblem(attack, access);
      if (problem !== null) reasons[attack.id] = problem;
    }
    return reasons;
  }

  function forget(attackId: string): void {
    const { [attackId]: _dropped, ...rest } = estimates.value;
    estimates.value = rest;
  }

  return { attacks, setInference, loaded, loading, error, estimates, refresh, estimate, forget, unavailableThrough };
});
