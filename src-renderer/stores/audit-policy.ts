// The workspace's audit settings (the risk policy file, the prior fraction of members) and the policy's verdict per
// target model. A policy that cannot be read or parsed arrives as `verdicts.policyError`, shown in place of the
// verdicts; `error` is for calls that failed.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditSettings, PolicyVerdicts } from '../../src-shared/contract/contract';
import { api } from '../api';
import { useAsyncState } from '../composables/use-async-state';

export const useAuditPolicyStore = defineStore('auditPolicy', () => {
  const settings = ref<AuditSettings | null>(null);
  const verdicts = ref<PolicyVerdicts | null>(null);
  const { loading, error, track, trackRead } = useAsyncState();

  async function loadSettings(): Promise<void> {
    await trackRead(async () => {
      settings.value = await api.audit.settings();
    });
  }

  /** Judges the workspace's finished runs against the policy now (the policy file is read again each time). */
  async function refreshVerdicts(): Promise<void> {
    await trackRead(async () => {
      verdicts.value = await api.audit.verdicts();
    });
  }

  /** Sets (or with null clears) the policy file, then judges with it; true when saved. */
  async function setPolicyPath(policyPath: string | null): Promise<boolean> {
    const saved = await track(async () => {
      settings.value = await api.audit.updateSettings({ policyPath });
      verdicts.value = await api.audit.verdicts();
      return true;
    });
    return saved === true;
  }

  /** Sets the prior (a fraction, 0.01 for 1 %); true when saved, else the refusal is in `error`. */
  async function setMemberPrior(memberPrior: number): Promise<boolean> {
    const saved = await track(async () => {
      settings.value = await api.audit.updateSettings({ memberPrior });
      return true;
    });
    return saved === true;
  }

  return { settings, verdicts, loading, error, loadSettings, refreshVerdicts, setPolicyPath, setMemberPrior };
});
