// Entry of the `mia` command-line tool. Each command calls the same services as the app.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkspaceFile } from '../common/default-workspace';
import { MiaError } from '../common/errors';
import { openWorkspace } from '../workspace/open-workspace';
import { workspaceErrorFrom } from '../workspace/sqlite-errors';
import { workspaceInfo } from '../services/workspace-service';
import { auditCommand } from './commands/audit';
import { backupCommand, backupUsage } from './commands/backup';
import { demoCommand } from './commands/demo';
import { demoRemoteCommand, demoRemoteUsage } from './commands/demo-remote';
import { exportCommand } from './commands/export';
import { planCommand, planUsage } from './commands/plan';
import { replayCommand } from './commands/replay';
import { serveCommand, serveUsage } from './commands/serve';
import { verifyCommand, verifyUsage } from './commands/verify';

const usage = `mia — membership inference audits of vision models (MIA Workbench)

Usage:
  mia workspace info [--workspace FILE] [--json]   show what a workspace holds
  mia audit --config FILE [--policy FILE] [--prior FRACTION] [--workspace FILE] [--json]
                                                   import what a YAML/JSON audit config names and run its attacks;
                                                   --policy judges the runs against a risk policy (YAML rules such
                                                   as \`auc <= 0.6\`) and prints its verdict; --prior states
                                                   precision for that fraction of members (default 0.01)
  mia audit --replay BUNDLE [--data-root DIR] [--workspace FILE] [--json]
                                                   re-run an evidence bundle's audit (its files found where
                                                   they were, or under DIR) and say whether the scores are
                                                   bit-identical (exit 0) or not (exit 1)
${planUsage}
  mia export RUN_ID... [--pdf FILE] [--csv FILE] [--title TEXT] [--client TEXT] [--auditor TEXT]
             [--scope TEXT] [--date YYYY-MM-DD] [--policy FILE] [--prior FRACTION] [--force] [--workspace FILE]
                                                   write the PDF report and/or CSVs (scores to FILE,
                                                   metrics beside it as NAME.metrics.csv) of finished runs;
                                                   all files or none, and existing files only with --force;
                                                   --title … --date fill the PDF's cover (date: today);
                                                   --policy puts the policy's verdict per target on its first
                                                   page; --prior states precision for that share of members
  mia export RUN_ID... --bundle FILE [--title … --date] [--force] [--workspace FILE]
                                                   one signed evidence bundle (a tar archive): the PDF, CSVs,
                                                   configs, provenance and a manifest signed by this installation
  mia demo [--out DIR]                             run every demo-kit audit into a fresh workspace and write
                                                   DIR/report.pdf and CSVs (default DIR: out/demo)
${demoRemoteUsage}
${backupUsage}
${verifyUsage}
${serveUsage}
  mia --help                                       this text

Options:
  --workspace FILE   the workspace file (default: $MIA_WORKSPACE, else ~/.local/share/mia-workbench/workspace.sqlite)
  --json             print machine-readable JSON on stdout

Exit codes: 0 success, 1 the command failed, 2 the command line or a config or policy file is invalid,
            3 the audit's verdict under --policy is fail.
`;

export async function runCli(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        config: { type: 'string' },
        policy: { type: 'string' },
        prior: { type: 'string' },
        pdf: { type: 'string' },
        csv: { type: 'string' },
        bundle: { type: 'string' },
        replay: { type: 'string' },
        'data-root': { type: 'string' },
        title: { type: 'string' },
        client: { type: 'string' },
        auditor: { type: 'string' },
        scope: { type: 'string' },
        date: { type: 'string' },
        out: { type: 'string' },
        purpose: { type: 'string' },
        count: { type: 'string' },
        seed: { type: 'string' },
        'train-size': { type: 'string' },
        port: { type: 'string' },
        records: { type: 'string' },
        json: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    err.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    out.write(usage);
    return values.help ? 0 : 2;
  }
  const workspaceFile = values.workspace ? path.resolve(values.workspace) : defaultWorkspaceFile();
  const command = ['export', 'backup', 'verify'].includes(positionals[0] ?? '') ? positionals[0]! : positionals.join(' ');
  try {
    switch (command) {
      case 'workspace info': {
        const db = openWorkspace(workspaceFile);
        try {
          const info = workspaceInfo(db, workspaceFile);
          out.write(
            values.json
              ? `${JSON.stringify(info, null, 2)}\n`
              : `Workspace ${info.path}\n  schema version ${info.schemaVersion}, engine ${info.engineVersion}\n  datasets ${info.counts.datasets} (${info.counts.records} records), models ${info.counts.models}, runs ${info.counts.runs}\n`,
          );
        } finally {
          db.close();
        }
        return 0;
      }
      case 'export':
        return await exportCommand(
          { out, err },
          {
            runIds: positionals.slice(1),
            workspaceFile,
            force: values.force,
            ...(values.pdf ? { pdf: values.pdf } : {}),
            ...(values.csv ? { csv: values.csv } : {}),
            ...(values.bundle ? { bundle: values.bundle } : {}),
            ...(values.title ? { title: values.title } : {}),
            ...(values.policy ? { policy: values.policy } : {}),
            ...(values.prior ? { prior: values.prior } : {}),
            cover: { title: values.title, client: values.client, auditor: values.auditor, scope: values.scope, date: values.date },
          },
        );
      case 'backup':
        return await backupCommand({ out, err }, { args: positionals.slice(1), workspaceFile, json: values.json });
      case 'verify':
        return await verifyCommand({ out, err }, { args: positionals.slice(1), json: values.json });
      case 'demo':
        return await demoCommand({ out, err }, { outDir: path.resolve(values.out ?? path.join('out', 'demo')) });
      case 'demo-remote':
        return await demoRemoteCommand({ out, err }, { records: values.records });
      case 'plan':
        return await planCommand(
          { out, err },
          {
            workspaceFile,
            json: values.json,
            ...(values.config ? { config: values.config } : {}),
            ...(values.purpose ? { purpose: values.purpose } : {}),
            ...(values.out ? { out: values.out } : {}),
            ...(values.count ? { count: values.count } : {}),
            ...(values.seed ? { seed: values.seed } : {}),
            ...(values['train-size'] ? { trainSize: values['train-size'] } : {}),
          },
        );
      case 'serve':
        return await serveCommand({ out, err }, { config: values.config, port: values.port });
      case 'audit':
        if (values.replay !== undefined) {
          if (values.config !== undefined || values.policy !== undefined) {
            err.write('mia audit takes either --config FILE or --replay BUNDLE, and --policy only with --config.\n');
            return 2;
          }
          return await replayCommand(
            { out, err },
            {
              bundle: values.replay,
              workspaceFile,
              json: values.json,
              ...(values['data-root'] ? { dataRoot: values['data-root'] } : {}),
            },
          );
        }
        return await auditCommand(
          { out, err },
          {
            config: values.config,
            workspaceFile,
            json: values.json,
            ...(values.policy ? { policy: values.policy } : {}),
            ...(values.prior ? { prior: values.prior } : {}),
          },
        );
      default:
        err.write(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (caught) {
    const error = workspaceErrorFrom(caught);
    const message = error instanceof MiaError ? `${error.message} [${error.code}]` : String(error);
    err.write(`${message}\n`);
    // A config that does not fit its schema is the caller's to fix (exit 2); anything else failed while running.
    return error instanceof MiaError && error.code.startsWith('config.') ? 2 : 1;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
