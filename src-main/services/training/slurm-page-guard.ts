// What the page may ask of the Slurm backend. A preamble, another Python or extra sbatch arguments (`--export=…`)
// run commands of the page's choosing on the cluster (and on the workstation when it is a node), so, as with the
// training bridge's Python, the page cannot set them unconfirmed; no front door confirms them yet, so they come only
// from an audit config typed at the terminal (`mia audit`, which calls the service directly).
import type { ParsedRequestOf } from '../../../src-shared/contract/contract';
import { SlurmSettings } from '../../../src-shared/contract/contract';
import { MiaError } from '../../common/errors';

const defaults = SlurmSettings.parse({});

export function refuseSlurmCommandsFromPage(request: ParsedRequestOf<'training.start'>): void {
  if (request.backend !== 'slurm') return;
  const { preamble, python, extraArgs } = request.slurm;
  const set = [
    preamble !== defaults.preamble ? 'preamble' : null,
    python !== defaults.python ? 'python' : null,
    extraArgs.length > 0 ? 'extraArgs' : null,
  ].filter((name) => name !== null);
  if (set.length > 0) {
    throw new MiaError(
      'training.slurm-commands-refused',
      `slurm.${set.join(', slurm.')}: these settings run commands on the cluster, and this front door cannot ask the person at the machine to confirm them. Put them in an audit config and run \`mia audit\`.`,
      { fields: set },
    );
  }
}
