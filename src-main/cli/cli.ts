// Entry of the `mia` command-line tool. Each command calls the same services as the app.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultWorkspaceFile } from '../common/default-workspace';
import { MiaError } from '../common/errors';
import { openWorkspace } from '../workspace/open-workspace';
import { workspaceInfo } from '../services/workspace-service';
import { auditCommand } from './commands/audit';

const usage = `mia — membership inference audits of vision models (MIA Workbench)

Usage:
  mia workspace info [--workspace FILE] [--json]   show what a workspace holds
  mia audit --config FILE [--workspace FILE] [--json]
                                                   import what a YAML/JSON audit config names and run its attacks
  mia --help                                       this text

Options:
  --workspace FILE   the workspace file (default: $MIA_WORKSPACE, else ~/.local/share/mia-workbench/workspace.sqlite)
  --json             print machine-readable JSON on stdout

Exit codes: 0 success, 1 the command failed, 2 the command line or a config file is invalid.
`;

export async function runCli(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        workspace: { type: 'string' },
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
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
  const command = positionals.join(' ');
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
      case 'audit':
        return await auditCommand({ out, err }, { config: values.config, workspaceFile, json: values.json });
      default:
        err.write(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
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
