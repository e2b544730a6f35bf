// `mia verify FILE [--json]`: checks an exported file against its detached signature FILE.sig, or an evidence bundle
// (`mia export --bundle`) against the signed manifest inside it, and says who signed it (this installation, or
// another key and its fingerprint). A file, bundle entry, manifest or signature that does not match is refused (exit 1).
import fs from 'node:fs';
import { looksLikeEvidenceBundle, readEvidenceBundle } from '../../services/evidence/bundle-format';
import { describeSigner } from '../../services/signing/installation-key';
import { signatureFileOf, verifyDetachedSignature } from '../../services/signing/file-signature';
import type { CliIo } from '../cli-io';

export const verifyUsage = `  mia verify FILE [--json]                         check an exported file against its signature FILE.sig,
                                                   or every entry of an evidence bundle against its signed
                                                   manifest, and say which key signed it`;

export async function verifyCommand(io: CliIo, options: { args: readonly string[]; json: boolean }): Promise<number> {
  const [file, ...extra] = options.args;
  if (!file || extra.length > 0) {
    io.err.write(`mia verify needs exactly one FILE.\n\nUsage:\n${verifyUsage}\n`);
    return 2;
  }
  // A file with a detached signature beside it is checked against that; a bundle carries its signature inside.
  if (!fs.existsSync(signatureFileOf(file)) && looksLikeEvidenceBundle(file)) {
    const bundle = readEvidenceBundle(file);
    const summary = {
      file: bundle.file,
      kind: 'evidence-bundle',
      sha256: bundle.sha256,
      signer: bundle.signer,
      runIds: bundle.manifest.runIds,
      createdAt: bundle.manifest.createdAt,
      entries: bundle.manifest.entries,
    };
    io.out.write(
      options.json
        ? `${JSON.stringify(summary, null, 2)}\n`
        : `${bundle.file}: evidence bundle of runs ${bundle.manifest.runIds.join(', ')}; the signature and all ${bundle.manifest.entries.length} entries are valid; ${describeSigner(bundle.signer)}. SHA-256 ${bundle.sha256}.\n`,
    );
    return 0;
  }
  const verified = await verifyDetachedSignature(file);
  io.out.write(
    options.json
      ? `${JSON.stringify(verified, null, 2)}\n`
      : `${verified.file}: the signature in ${verified.signatureFile} is valid; ${describeSigner(verified.signer)}. SHA-256 ${verified.sha256}.\n`,
  );
  return 0;
}
