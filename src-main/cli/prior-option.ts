// `--prior FRACTION` of `mia audit` and `mia export`: the share of members in the population that precision is stated
// for, checked by the contract's MemberPrior so the CLI and the app accept the same values.
import { MemberPrior } from '../../src-shared/contract/contract';

export type PriorOption = { readonly ok: true; readonly prior: number | undefined } | { readonly ok: false; readonly message: string };

/** The prior given on the command line (undefined when the option was not given), or the message to refuse it with. */
export function parsePriorOption(command: string, value: string | undefined): PriorOption {
  if (value === undefined) return { ok: true, prior: undefined };
  const parsed = MemberPrior.safeParse(Number(value));
  if (parsed.success) return { ok: true, prior: parsed.data };
  return {
    ok: false,
    message: `mia ${command} --prior takes the fraction of members in the population, a number between 0 and 1 exclusive (1 % is 0.01); got "${value}".\n`,
  };
}
