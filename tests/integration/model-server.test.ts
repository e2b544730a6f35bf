// `mia serve` over real sockets: the demo models from resources/demo/remote/serve.yaml over KServe v2 (metadata, JSON
// and binary inference equal to ONNX Runtime run locally), the token, the refusals, the image-variation endpoint, and
// the built CLI started as a child process and stopped with SIGTERM.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartBody } from '../../src-main/engine/remote/multipart-body';
import { openOnnxModel } from '../../src-main/engine/models/onnx-session';
import { SeededRandom } from '../../src-main/engine/random/seeded-random';
import {
  decodeResponse,
  encodeRequest,
  inferenceHeaderLengthHeader,
  type InferRequest,
} from '../../src-main/engine/remote/kserve-v2-protocol';
import { startModelServer, type ModelServer } from '../../src-main/services/model-server/model-server';
import { readServeConfig } from '../../src-main/services/model-server/serve-config';
import { repoRoot } from '../helpers/temp-dir';

const configFile = path.join(repoRoot, 'resources', 'demo', 'remote', 'serve.yaml');
const token = 'practice-token-for-tests';
const log: string[] = [];
let server: ModelServer;

const call = (route: string, init: RequestInit = {}, bearer: string | null = token) =>
  fetch(`${server.url}${route}`, {
    ...init,
    headers: { ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }), ...(init.headers as Record<string, string>) },
  });

async function infer(model: string, request: InferRequest, binary: boolean) {
  const encoded = encodeRequest(binary ? { ...request, parameters: { binary_data_output: true } } : request, { binaryInputs: binary });
  const response = await call(`/v2/models/${model}/infer`, {
    method: 'POST',
    body: new Uint8Array(encoded.body),
    headers: encoded.headers,
  });
  expect(response.status).toBe(200);
  const body = Buffer.from(await response.arrayBuffer());
  if (binary) expect(response.headers.get(inferenceHeaderLengthHeader)).not.toBeNull();
  return decodeResponse(body, response.headers.get(inferenceHeaderLengthHeader) ?? undefined);
}

async function runLocally(file: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const model = await openOnnxModel(path.join(repoRoot, file));
  try {
    return await model.run(feeds);
  } finally {
    await model.release();
  }
}

const demoPng = (name: string) => fs.readFileSync(path.join(repoRoot, 'resources', 'demo', 'latent-diffusion', 'images', name));

async function variations(image: Buffer, fields: Record<string, string>) {
  // The client's own body writer (engine/remote/multipart-body.ts): the fields, then the image as the API expects.
  const form = multipartBody([
    ...Object.entries(fields).map(([name, value]) => ({ name, value })),
    { name: 'image', filename: 'record.png', contentType: 'image/png', data: image },
  ]);
  return call('/v1/images/variations', { method: 'POST', body: new Uint8Array(form.body), headers: { 'content-type': form.contentType } });
}

beforeAll(async () => {
  server = await startModelServer(readServeConfig(configFile), { port: 0, token, log: (line) => log.push(line) });
}, 60_000);
afterAll(async () => {
  await server?.close();
});

describe('mia serve over KServe v2', () => {
  it('describes itself and advertises the binary tensor extension', async () => {
    const response = await call('/v2');
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as { name: string; extensions: string[] };
    expect(metadata.extensions).toContain('binary_tensor_data');
    for (const route of ['/v2/health/live', '/v2/health/ready', '/v2/models/classifier/ready', '/v2/models/classifier/versions/1/ready']) {
      expect((await call(route)).status, route).toBe(200);
    }
  });

  it("gives each model's inputs and outputs as the ONNX file declares them", async () => {
    const cases = [
      ['classifier', 'resources/demo/classifier/target.onnx'],
      ['clip-text', 'resources/demo/clip/text_encoder.onnx'],
      ['diffusion', 'resources/demo/diffusion/unet.onnx'],
    ] as const;
    for (const [name, file] of cases) {
      const onnx = await openOnnxModel(path.join(repoRoot, file));
      await onnx.release();
      const metadata = (await (await call(`/v2/models/${name}`)).json()) as {
        name: string;
        platform: string;
        inputs: { name: string; datatype: string; shape: number[] }[];
        outputs: { name: string; datatype: string; shape: number[] }[];
      };
      expect(metadata.name).toBe(name);
      const described = (tensors: typeof onnx.inputs) =>
        tensors.map((t) => ({
          name: t.name,
          datatype: t.dtype === 'float32' ? 'FP32' : t.dtype === 'int64' ? 'INT64' : t.dtype,
          shape: t.shape.map((dim) => (typeof dim === 'number' ? dim : -1)),
        }));
      expect(metadata.inputs).toEqual(described(onnx.inputs));
      expect(metadata.outputs).toEqual(described(onnx.outputs));
    }
    const versioned = (await (await call('/v2/models/classifier/versions/1')).json()) as { versions: string[] };
    expect(versioned.versions).toEqual(['1']);
  });

  it('answers inference over JSON and binary tensors exactly as ONNX Runtime does locally', async () => {
    const random = new SeededRandom('model-server-test');
    const pixels = random.fork('pixels').fillNormal(new Float32Array(3 * 28 * 28));
    const local = await runLocally('resources/demo/classifier/target.onnx', {
      pixel_values: new ort.Tensor('float32', pixels, [3, 1, 28, 28]),
    });
    const request: InferRequest = {
      id: 'req-1',
      inputs: [{ name: 'pixel_values', datatype: 'FP32', shape: [3, 1, 28, 28], data: pixels }],
    };
    for (const binary of [false, true]) {
      const answer = await infer('classifier', request, binary);
      expect(answer.model_name).toBe('classifier');
      expect(answer.model_version).toBe('1');
      expect(answer.id).toBe('req-1');
      expect(answer.outputs[0]!.shape).toEqual([3, 10]);
      expect(Array.from(answer.outputs[0]!.data as Float32Array)).toEqual(Array.from(local.logits!.data as Float32Array));
    }
    // Two inputs, one of them INT64: the diffusion denoiser.
    const x = random.fork('x').fillNormal(new Float32Array(2 * 256));
    const t = new BigInt64Array([10n, 500n]);
    const denoised = await runLocally('resources/demo/diffusion/unet.onnx', {
      x: new ort.Tensor('float32', x, [2, 1, 16, 16]),
      t: new ort.Tensor('int64', t, [2]),
    });
    for (const binary of [false, true]) {
      const answer = await infer(
        'diffusion',
        {
          inputs: [
            { name: 'x', datatype: 'FP32', shape: [2, 1, 16, 16], data: x },
            { name: 't', datatype: 'INT64', shape: [2], data: t },
          ],
        },
        binary,
      );
      expect(Array.from(answer.outputs[0]!.data as Float32Array)).toEqual(Array.from(denoised.epsilon!.data as Float32Array));
    }
  });

  it('refuses a request without the token or with a wrong one with 401 and an error body', async () => {
    for (const bearer of [null, 'wrong-token', `${token}x`, '']) {
      const response = await call('/v2/models/classifier', {}, bearer);
      expect(response.status).toBe(401);
      expect(((await response.json()) as { error: string }).error).toMatch(/Bearer/);
    }
    const basic = await call('/v2', { headers: { authorization: `Basic ${token}` } }, null);
    expect(basic.status).toBe(401);
    expect(log.join('\n')).not.toContain(token);
    expect(log.some((line) => /^GET \/v2\/models\/classifier 401 \d+ms$/.test(line))).toBe(true);
  });

  it('answers 404 for an unknown model or version and for paths it does not serve', async () => {
    for (const route of ['/v2/models/nope', '/v2/models/classifier/versions/2', '/v2/models/nope/ready', '/v1/models', '/']) {
      const response = await call(route);
      expect(response.status, route).toBe(404);
      expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(0);
    }
    const infer = await call('/v2/models/nope/infer', { method: 'POST', body: '{}' });
    expect(infer.status).toBe(404);
  });

  it('answers malformed inference requests with 400 naming the field, and keeps serving', async () => {
    const post = (body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      call('/v2/models/classifier/infer', { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers });
    const tensor = (extra: object) =>
      JSON.stringify({
        inputs: [{ name: 'pixel_values', datatype: 'FP32', shape: [1, 1, 28, 28], data: new Array(784).fill(0), ...extra }],
      });
    const cases: [string | Buffer, RegExp, Record<string, string>?][] = [
      ['{not json', /not JSON/],
      ['{"inputs": []}', /inputs/],
      [tensor({ name: 'image' }), /"image"/],
      [tensor({ shape: [1, 1, 28, 27], data: new Array(756).fill(0) }), /shape \[1, 1, 28, 27\]/],
      [tensor({ data: [1, 2, 3] }), /784 elements/],
      [tensor({ datatype: 'INT64' }), /INT64/],
      [tensor({ data: new Array(784).fill('x') }), /element 0/],
      [
        JSON.stringify({
          inputs: [{ name: 'pixel_values', datatype: 'FP32', shape: [1, 1, 28, 28], data: new Array(784).fill(0) }],
          outputs: [{ name: 'probs' }],
        }),
        /"probs"/,
      ],
      [tensor({}), /Inference-Header-Content-Length/, { 'content-type': 'application/json', [inferenceHeaderLengthHeader]: 'lots' }],
      [tensor({ parameters: { binary_data_size: 3136 } }), /binary/],
    ];
    for (const [body, message, headers] of cases) {
      const response = await post(body, headers);
      expect(response.status, String(message)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    const wrongMethod = await call('/v2/models/classifier/infer');
    expect(wrongMethod.status).toBe(405);
    const ok = await post(tensor({}));
    expect(ok.status).toBe(200);
  });

  it('refuses another Host name (DNS rebinding) with 421 and answers a request line that does not parse with 400', async () => {
    const { port } = server;
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const request = http.get(
        { host: '127.0.0.1', port, path: '/v2', headers: { host: `attacker.example:${port}`, authorization: `Bearer ${token}` } },
        (response) => {
          response.resume();
          resolve(response.statusCode);
        },
      );
      request.on('error', reject);
    });
    expect(status).toBe(421);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (part) => (text += part.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect((await call('/v2/health/live')).status).toBe(200);
  });

  it('refuses a body over the size limit with 413 and keeps serving', async () => {
    const small = await startModelServer(
      { maxBodyBytes: 2048, models: readServeConfig(configFile).models.slice(0, 1) },
      { port: 0, token, log: () => {} },
    );
    try {
      const response = await fetch(`${small.url}/v2/models/classifier/infer`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: Buffer.alloc(64 * 1024, 32),
      });
      expect(response.status).toBe(413);
      const ready = await fetch(`${small.url}/v2/health/ready`, { headers: { authorization: `Bearer ${token}` } });
      expect(ready.status).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('mia serve image variations', () => {
  const first = demoPng('fm-train-01024.png');
  const second = demoPng('fm-train-01027.png');
  const pngsOf = async (response: Response) => {
    expect(response.status).toBe(200);
    const body = (await response.json()) as { created: number; data: { b64_json: string }[] };
    expect(Number.isInteger(body.created)).toBe(true);
    return body.data.map((item) => Buffer.from(item.b64_json, 'base64'));
  };

  it('answers n PNGs of the asked size, the same bytes for the same request, other bytes for another image', async () => {
    const images = await pngsOf(await variations(first, { n: '2', size: '40x24', response_format: 'b64_json' }));
    expect(images).toHaveLength(2);
    for (const image of images) {
      const metadata = await sharp(image).metadata();
      expect([metadata.format, metadata.width, metadata.height]).toEqual(['png', 40, 24]);
    }
    expect(images[0]!.equals(images[1]!)).toBe(false);
    const again = await pngsOf(await variations(first, { n: '2', size: '40x24' }));
    expect(again.map((image) => image.toString('hex'))).toEqual(images.map((image) => image.toString('hex')));
    const other = await pngsOf(await variations(second, { n: '2', size: '40x24' }));
    expect(other[0]!.equals(images[0]!)).toBe(false);
  }, 60_000);

  it('refuses url responses, bad fields and malformed bodies with 400, and keeps serving', async () => {
    const refusals: [Promise<Response>, RegExp][] = [
      [variations(first, { response_format: 'url' }), /response_format/],
      [variations(first, { n: '0' }), /"n"/],
      [variations(first, { n: '99' }), /"n"/],
      [variations(first, { size: 'big' }), /"size"/],
      [variations(first, { size: '4096x4096' }), /"size"/],
      [variations(first, { style: 'vivid' }), /"style"/],
      [variations(Buffer.from('GIF89a not a png'), {}), /PNG/],
      [variations(first.subarray(0, 60), {}), /"image"/],
      [
        call('/v1/images/variations', { method: 'POST', body: 'n=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
        /multipart/,
      ],
      [
        call('/v1/images/variations', {
          method: 'POST',
          body: '--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n1',
          headers: { 'content-type': 'multipart/form-data; boundary=b' },
        }),
        /not closed/,
      ],
    ];
    for (const [pending, message] of refusals) {
      const response = await pending;
      expect(response.status, String(message)).toBe(400);
      expect(((await response.json()) as { error: string }).error).toMatch(message);
    }
    expect(await pngsOf(await variations(first, { n: '1' }))).toHaveLength(1);
  }, 60_000);
});

describe('mia serve from the built CLI', () => {
  it('prints its URL as one JSON line, answers with the token from tokenEnv, and stops on SIGTERM', async () => {
    const folder = fs.mkdtempSync(path.join(repoRoot, 'out', 'serve-test-'));
    try {
      fs.writeFileSync(
        path.join(folder, 'serve.yaml'),
        `tokenEnv: MIA_TEST_SERVE_TOKEN\nmodels:\n  - name: classifier\n    onnx: ${JSON.stringify(path.join(repoRoot, 'resources', 'demo', 'classifier', 'target.onnx'))}\n`,
      );
      const child = spawn(
        process.execPath,
        [path.join(repoRoot, 'bin', 'mia.js'), 'serve', '--config', path.join(folder, 'serve.yaml'), '--port', '0'],
        {
          env: { ...process.env, MIA_TEST_SERVE_TOKEN: token },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (part: Buffer) => (stderr += part.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const lines = readline.createInterface({ input: child.stdout });
      const first = await new Promise<string>((resolve, reject) => {
        lines.once('line', resolve);
        child.once('exit', () => reject(new Error(`mia serve exited before listening: ${stderr}`)));
      });
      const printed = JSON.parse(first) as { url: string; token?: string };
      expect(printed.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.token).toBeUndefined();
      const ready = await fetch(`${printed.url}/v2/models/classifier/ready`, { headers: { authorization: `Bearer ${token}` } });
      expect(ready.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/GET \/v2\/models\/classifier\/ready 200/);
      expect(stderr).not.toContain(token);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);
});
