// The PDF report's lines on a target served over the network: in the target's identity, its protocol, endpoint, key
// source and each served component with the identity hash it had at import; in a run's methodology, its query budget
// and the run log's notes on requests sent and answered from the cache. The key itself is never in the report model.
import { formatCount } from '../../../src-shared/presentation/format';
import type { PdfLayout } from './pdf-layout';
import type { ReportRun } from './report-model';
import type { RemoteTargetFacts } from './report-remote';

const quiet = { size: 8.5, colour: '#5b6470' } as const;

export function writeRemoteTargetIdentity({ paragraph, hashLine }: PdfLayout, remote: RemoteTargetFacts): void {
  paragraph(`Served over the network: ${remote.protocol}.`, { size: 9.5 });
  paragraph(`Endpoint: ${remote.url} (host ${remote.host}).`, { size: 9.5 });
  paragraph(remote.keySource, quiet);
  for (const component of remote.components) {
    const version = component.version === null ? 'the version the server chose' : `version ${component.version}`;
    paragraph(`${component.role}: served model "${component.model}", ${version}`, { size: 9.5 });
    hashLine('Identity at import:', component.identity);
  }
  paragraph(
    'Before every run the workbench reads each component again and refuses to start when its identity no longer matches the one above.',
    quiet,
  );
}

export function writeRemoteRunRequests({ paragraph }: PdfLayout, run: ReportRun): void {
  const remote = run.remoteRun;
  if (!remote) return;
  paragraph(
    remote.queryBudget === null
      ? 'Query budget: none set for this run.'
      : `Query budget: at most ${formatCount(remote.queryBudget)} requests to the remote target.`,
    { size: 9 },
  );
  if (remote.requestNotes.length === 0) {
    paragraph('The run log holds no note on the requests sent (the run predates such notes).', { size: 9 });
  }
  for (const note of remote.requestNotes) paragraph(`From the run log: ${note}`, { size: 9 });
}
