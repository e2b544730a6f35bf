// The attack catalogue (with each attack's parameter JSON Schema), which of its diffusion attacks a target's access
// rules out, and model-call estimates for the New run form.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AttackDescription, RunEstimate, RunStartRequest } from '../../src-shared/contract/contract';
import { targetAccessProblem, type DiffusionAccess } from '../../src-shared/domain/target-access';
import { api } from '../api';
import { attempt, useAsyncState, type ShownError } from '../composables/use-async-state';

export const useAttacksStore = defineStore('attacks', () => {
  const attacks = ref<AttackDescription[]>([]);
  const loaded = ref(false);
  /** The latest estimate, or the backend's refusal (invalid parameters, missing models), per attack id. */
  const estimates = ref<Record<string, { estimate: RunEstimate | null; error: ShownError | null }>>({});
  const { loading, error, track } = useAsyncState();

  async function refresh(): Promise<void> {
    await track(async () => {
      attacks.value = await api.attacks.list();
      loaded.value = true;
    });
  }

  async function estimate(request: RunStartRequest): Promise<RunEstimate | null> {
    const result = await attempt(() => api.runs.estimate(request));
    const entry = result.ok ? { estimate: result.value, error: null } : { estimate: null, error: result.error };
    estimates.value = { ...estimates.value, [request.attack]: entry };
    return entry.estimate;
  }

  /** The diffusion attacks that cannot run through this access, each with the one-sentence reason New run shows. */
  function unavailableThrough(access: DiffusionAccess): Record<string, string> {
    const reasons: Record<string, string> = {};
    for (const attack of attacks.value) {
      const problem = attack.family === 'diffusion' ? targetAccessProblem(attack.needs.diffusionAccess, access) : null;
      if (problem !== null) reasons[attack.id] = problem;
    }
    return reasons;
  }

  function forget(attackId: string): void {
    const { [attackId]: _dropped, ...rest } = estimates.value;
    estimates.value = rest;
  }

  return { attacks, loaded, loading, error, estimates, refresh, estimate, forget, unavailableThrough };
});
