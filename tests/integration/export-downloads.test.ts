// The browser's export: the headless host writes the report into a private folder and hands each file out once
// over HTTP at /downloads/<id>, behind the session cookie, as an attachment; the folder goes when every file has
// been taken or the offer expires. Real backend, real host, real HTTP on loopback.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedFiles, RunSummary } from '../../src-shared/contract/contract';
import type { Backend } from '../../src-main/services/backend';
import { createExportDownloads, type ExportDownloads } from '../../src-main/web/export-downloads';
import { headlessFrontDoor } from '../../src-main/web/headless-front-door';
import { startHeadlessHost, type HeadlessHost } from '../../src-main/web/headless-host';
import { writeTinyKit } from '../fixtures/bad/tiny-classifier-kit';
import { createTestBackend } from '../helpers/in-process-bridge';
import { makeTempDir, repoRoot } from '../helpers/temp-dir';

const dir = makeTempDir('mia-downloads-');
const downloads = createExportDownloads();
const { backend } = createTestBackend(dir, 'workspace.sqlite', { frontDoor: headlessFrontDoor(downloads, path.join(dir, 'training')) });
let host: HeadlessHost;
let cookie = '';
let runId = 0;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(target: HeadlessHost, urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port: target.port, path: urlPath, method, headers: { Host: `127.0.0.1:${target.port}`, ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      },
    );
    request.on('error', reject);
    request.end();
  });
}

async function sessionCookie(target: HeadlessHost): Promise<string> {
  const redeemed = await get(target, new URL(target.url).pathname + new URL(target.url).search);
  const setCookie = redeemed.headers['set-cookie']?.[0] ?? '';
  return setCookie.split(';')[0]!;
}

async function exportRun(on: Backend): Promise<ExportedFiles> {
  const result = await on.router.dispatch('reports.export', { runIds: [runId] });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data as ExportedFiles;
}

/** The private folders of offers, by name under the temp dir. */
function downloadFolders(): Set<string> {
  return new Set(
    fs
      .readdirSync(os.tmpdir())
      .filter((name) => name.startsWith('mia-download-'))
      .map((name) => path.join(os.tmpdir(), name)),
  );
}

/** Runs `action` and answers the private folders it left behind. */
async function newFolders<T>(action: () => Promise<T>): Promise<{ result: T; folders: string[] }> {
  const before = downloadFolders();
  const result = await action();
  return { result, folders: [...downloadFolders()].filter((folder) => !before.has(folder)) };
}

beforeAll(async () => {
  const kit = await writeTinyKit(path.join(dir, 'kit'), 40);
  const dataset = await backend.router.dispatch('datasets.import', { kind: 'manifest-csv', path: kit.manifest });
  const model = await backend.router.dispatch('models.import', { kind: 'classifier', modelPath: kit.model });
  if (!dataset.ok || !model.ok) throw new Error('the tiny kit did not import');
  const run = await backend.router.dispatch('runs.start', {
    attack: 'loss',
    targetModelId: (model.data as { id: number }).id,
    datasetId: (dataset.data as { dataset: { id: number } }).dataset.id,
    seed: 1,
  });
  if (!run.ok) throw new Error(run.error.message);
  await backend.idle();
  runId = (run.data as RunSummary).id;
  host = await startHeadlessHost({ backend, downloads, rendererDir: path.join(repoRoot, 'out', 'renderer') });
  cookie = await sessionCookie(host);
}, 120_000);

afterAll(async () => {
  await host?.close();
  downloads.close();
  await backend.idle();
  backend.close();
});

describe('report downloads from the headless host', () => {
  it('hands each file out once, as an attachment, only with the session cookie, then removes the private folder', async () => {
    const { result: exported, folders } = await newFolders(() => exportRun(backend));
    expect(exported.delivery).toBe('download');
    const names = [`mia-report-run-${runId}.pdf`, `mia-report-run-${runId}.scores.csv`, `mia-report-run-${runId}.scores.metrics.csv`];
    expect(exported.files.map((f) => f.name)).toEqual([...names, ...names.map((name) => `${name}.sig`)]);
    expect(folders).toHaveLength(1);
    expect(fs.statSync(folders[0]!).mode & 0o777).toBe(0o700);

    const [pdf] = exported.files;
    // Without the cookie (or with a wrong one) the host refuses, and the link still works afterwards.
    expect((await get(host, pdf!.download!)).status).toBe(403);
    expect((await get(host, pdf!.download!, { Cookie: 'mia_session=forged' })).status).toBe(403);
    expect((await get(host, pdf!.download!, { Cookie: cookie }, 'HEAD')).status).toBe(405);
    expect((await get(host, '/downloads/not-an-offered-id', { Cookie: cookie })).status).toBe(404);

    for (const file of exported.files) {
      const answer = await get(host, file.download!, { Cookie: cookie });
      expect(answer.status).toBe(200);
      expect(answer.headers['content-disposition']).toBe(`attachment; filename="${file.name}"`);
      const types = {
        pdf: 'application/pdf',
        csv: 'text/csv; charset=utf-8',
        signature: 'application/json; charset=utf-8',
        bundle: 'application/x-tar',
      };
      expect(answer.headers['content-type']).toBe(types[file.kind]);
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(createHash('sha256').update(answer.body).digest('hex')).toBe(file.sha256);
      if (file.kind === 'pdf') expect(answer.body.subarray(0, 5).toString()).toBe('%PDF-');
      // Taken: a second request for the same link gets nothing.
      expect((await get(host, file.download!, { Cookie: cookie })).status).toBe(404);
    }
    await expect.poll(() => fs.existsSync(folders[0]!), { timeout: 5_000 }).toBe(false);
  });

  it('removes an offer nobody fetched once it expires, and its links then answer 404', async () => {
    const shortLived: ExportDownloads = createExportDownloads({ expiryMs: 200 });
    const other = createTestBackend(dir, 'workspace.sqlite', { frontDoor: headlessFrontDoor(shortLived, path.join(dir, 'training')) });
    const otherHost = await startHeadlessHost({
      backend: other.backend,
      downloads: shortLived,
      rendererDir: path.join(repoRoot, 'out', 'renderer'),
    });
    try {
      const otherCookie = await sessionCookie(otherHost);
      const { result: exported, folders } = await newFolders(() => exportRun(other.backend));
      expect(folders).toHaveLength(1);
      await expect.poll(() => fs.existsSync(folders[0]!), { timeout: 5_000 }).toBe(false);
      for (const file of exported.files) expect((await get(otherHost, file.download!, { Cookie: otherCookie })).status).toBe(404);
    } finally {
      await otherHost.close();
      shortLived.close();
      other.backend.close();
    }
  });

  it("keeps a link of one host useless on another host's session", async () => {
    const exported = await exportRun(backend);
    const otherDownloads = createExportDownloads();
    const otherHost = await startHeadlessHost({ backend, downloads: otherDownloads, rendererDir: path.join(repoRoot, 'out', 'renderer') });
    try {
      const otherCookie = await sessionCookie(otherHost);
      expect((await get(otherHost, exported.files[0]!.download!, { Cookie: otherCookie })).status).toBe(404);
      expect((await get(host, exported.files[0]!.download!, { Cookie: otherCookie })).status).toBe(403);
    } finally {
      await otherHost.close();
      otherDownloads.close();
      downloads.close();
    }
  });
});
