// `mia verify FILE [--json]`: checks an exported file against its detached signature FILE.sig and says who signed
// it (this installation, or another key and its fingerprint). A file that does not match is refused (exit 1).
import { describeSigner } from '../../services/signing/installation-key';
import { verifyDetachedSignature } from '../../services/signing/file-signature';
import type { CliIo } from '../cli-io';

export const verifyUsage = `  mia verify FILE [--json]                         check an exported file against its signature FILE.sig
                                                   and say which key signed it`;

export async function verifyCommand(io: CliIo, options: { args: readonly string[]; json: boolean }): Promise<number> {
  const [file, ...extra] = options.args;
  if (!file || extra.length > 0) {
    io.err.write(`mia verify needs exactly one FILE.\n\nUsage:\n${verifyUsage}\n`);
    return 2;
  }
  const verified = await verifyDetachedSignature(file);
  io.out.write(
    options.json
      ? `${JSON.stringify(verified, null, 2)}\n`
      : `${verified.file}: the signature in ${verified.signatureFile} is valid; ${describeSigner(verified.signer)}. SHA-256 ${verified.sha256}.\n`,
  );
  return 0;
}
