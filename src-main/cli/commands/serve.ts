// `mia serve --config FILE [--port N]`: starts the model server (services/model-server/) on 127.0.0.1, prints one
// JSON line with its URL once it listens (and the token, when it was generated), and stops cleanly on SIGINT/SIGTERM.
import { readServeConfig } from '../../services/model-server/serve-config';
import { serverToken } from '../../services/model-server/bearer-token';
import { startModelServer } from '../../services/model-server/model-server';
import type { CliIo } from '../cli-io';

export const serveUsage = `  mia serve --config FILE [--port N]              serve the ONNX models and the variation target a serve.yaml
                                                   names over KServe v2 on 127.0.0.1 (port 0: a free one)`;

export async function serveCommand(
  io: CliIo,
  options: { config: string | undefined; port: string | undefined },
  signals: NodeJS.EventEmitter = process,
): Promise<number> {
  const port = options.port === undefined ? 8000 : Number(options.port);
  if (!options.config || !Number.isInteger(port) || port < 0 || port > 65535) {
    io.err.write(`mia serve needs --config FILE and, if given, --port from 0 to 65535.\n\nUsage:\n${serveUsage}\n`);
    return 2;
  }
  const config = readServeConfig(options.config);
  const token = serverToken(config.tokenEnv);
  const server = await startModelServer(config, { port, token: token.value, log: (line) => io.err.write(`${line}\n`) });
  // One line a program can read: the URL always, the token only when it was made here (never one from the environment).
  io.out.write(`${JSON.stringify({ url: server.url, ...(token.generated ? { token: token.value } : { tokenEnv: config.tokenEnv }) })}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      signals.off('SIGINT', stop);
      signals.off('SIGTERM', stop);
      resolve();
    };
    signals.on('SIGINT', stop);
    signals.on('SIGTERM', stop);
  });
  await server.close();
  io.err.write('mia serve stopped.\n');
  return 0;
}
