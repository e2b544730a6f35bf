// Probe (not part of npm run bench): what decoding the demo PNGs with node:zlib instead of sharp would cost.
// 8-bit greyscale, non-interlaced PNGs only; reads, hashes (SHA-256, as the pixel loader does) and unfilters each.
// Run: node bench/png-zlib-probe.mjs [folder=resources/demo/classifier/images]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import crypto from 'node:crypto';
const dir = process.argv[2] ?? 'resources/demo/classifier/images';
const files = fs
  .readdirSync(dir)
  .slice(0, 1200)
  .map((f) => path.join(dir, f));
const c0 = process.cpuUsage();
const t = performance.now();
let sum = 0;
for (const f of files) {
  const b = fs.readFileSync(f);
  crypto.createHash('sha256').update(b).digest('hex');
  const w = b.readUInt32BE(16),
    h = b.readUInt32BE(20),
    depth = b[24],
    ctype = b[25];
  const idat = [];
  let p = 8;
  while (p < b.length) {
    const len = b.readUInt32BE(p);
    const type = b.toString('latin1', p + 4, p + 8);
    if (type === 'IDAT') idat.push(b.subarray(p + 8, p + 8 + len));
    p += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  // unfilter (grey 8-bit: bpp 1)
  const out = new Uint8Array(w * h);
  const stride = w;
  for (let y = 0; y < h; y++) {
    const ft = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x ? out[y * w + x - 1] : 0;
      const up = y ? out[(y - 1) * w + x] : 0;
      const c = x && y ? out[(y - 1) * w + x - 1] : 0;
      let r;
      if (ft === 0) r = v;
      else if (ft === 1) r = v + a;
      else if (ft === 2) r = v + up;
      else if (ft === 3) r = v + ((a + up) >> 1);
      else {
        const pp = a + up - c,
          pa = Math.abs(pp - a),
          pb = Math.abs(pp - up),
          pc = Math.abs(pp - c);
        r = v + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c);
      }
      out[y * w + x] = r & 255;
    }
  }
  sum += out[0] + depth + ctype;
}
const ms = performance.now() - t;
const cpu = process.cpuUsage(c0);
console.log(
  `sync read + sha256 + zlib PNG decode: ${((files.length / ms) * 1000).toFixed(0)} images/s (checksum ${sum}), ${((cpu.user + cpu.system) / 1000 / files.length).toFixed(3)} ms CPU per image`,
);
