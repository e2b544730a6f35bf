// One-time downloads of exported reports for the headless host: `GET /downloads/<id>` (behind the session cookie,
// like every other request) answers the file once as an attachment and deletes it. The private folder the export
// was written into is removed when its last file has been downloaded, or when the offer expires.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { PreparedFile } from '../services/front-door';

/** Long enough to click every link of an export, short enough that a forgotten report does not linger in /tmp. */
const defaultExpiryMs = 10 * 60 * 1000;
export const downloadsPrefix = '/downloads/';

const contentTypes: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.sig': 'application/json; charset=utf-8',
  '.tar': 'application/x-tar',
};

export interface ExportDownloads {
  /** Takes ownership of `folder` and its files; answers one URL path per file, in order. */
  offer(folder: string, files: readonly PreparedFile[]): string[];
  /** Answers a request whose path starts with `/downloads/`; the caller has already checked the session. */
  serve(request: http.IncomingMessage, pathname: string, response: http.ServerResponse, headers: Record<string, string>): void;
  /** Removes every folder still offered (the host is closing). */
  close(): void;
}

interface Offer {
  readonly folder: string;
  readonly pending: Set<string>;
  readonly timer: NodeJS.Timeout;
}

export function createExportDownloads(options: { expiryMs?: number } = {}): ExportDownloads {
  const expiryMs = options.expiryMs ?? defaultExpiryMs;
  const files = new Map<string, PreparedFile & { offer: Offer }>();

  const removeOffer = (offer: Offer): void => {
    clearTimeout(offer.timer);
    for (const id of offer.pending) files.delete(id);
    fs.rmSync(offer.folder, { recursive: true, force: true });
  };

  return {
    offer(folder, prepared) {
      const offer: Offer = { folder, pending: new Set(), timer: setTimeout(() => removeOffer(offer), expiryMs) };
      offer.timer.unref(); // an offer alone must not keep the process alive
      return prepared.map((file) => {
        const id = randomBytes(24).toString('base64url');
        files.set(id, { ...file, offer });
        offer.pending.add(id);
        return `${downloadsPrefix}${id}`;
      });
    },
    serve(request, pathname, response, headers) {
      if (request.method !== 'GET') {
        // HEAD would not take the file, and a one-time link that can be probed is one less thing to reason about.
        response.writeHead(405, { ...headers, Allow: 'GET' }).end();
        return;
      }
      const id = pathname.slice(downloadsPrefix.length);
      const file = files.get(id);
      if (!file) {
        response
          .writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
          .end('This download does not exist, was already taken or has expired; export again.\n');
        return;
      }
      // Taken now, not when the transfer ends: two requests for one id never both get the file.
      files.delete(id);
      const { offer } = file;
      offer.pending.delete(id);
      const finish = (): void => {
        if (offer.pending.size === 0) removeOffer(offer);
        else fs.rmSync(file.path, { force: true });
      };
      let size: number;
      try {
        size = fs.statSync(file.path).size;
      } catch {
        finish();
        response
          .writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
          .end('This download has expired; export again.\n');
        return;
      }
      const safeName = file.name.replace(/[^A-Za-z0-9._-]/g, '_');
      response.writeHead(200, {
        ...headers,
        'Content-Type': contentTypes[path.extname(safeName)] ?? 'application/octet-stream',
        'Content-Length': String(size),
        'Content-Disposition': `attachment; filename="${safeName}"`,
      });
      const stream = fs.createReadStream(file.path);
      stream.on('error', () => response.destroy());
      response.on('close', finish);
      stream.pipe(response);
    },
    close() {
      const offers = new Set([...files.values()].map((file) => file.offer));
      for (const offer of offers) removeOffer(offer);
    },
  };
}
