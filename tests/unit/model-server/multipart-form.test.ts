// The variation endpoint's multipart/form-data parser: the boundary from Content-Type, parts by name with their
// filename and type, and a 400 naming what is wrong for every malformed or oversized body.
import { describe, expect, it } from 'vitest';
import { MiaError } from '../../../src-main/common/errors';
import { formBoundary, parseForm } from '../../../src-main/services/model-server/multipart-form';

const body = (text: string) => Buffer.from(text, 'latin1');

function refusal(run: () => unknown): { status: unknown; code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof MiaError) return { status: error.details?.status, code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('formBoundary', () => {
  it('reads a plain or quoted boundary', () => {
    expect(formBoundary('multipart/form-data; boundary=abc123')).toBe('abc123');
    expect(formBoundary('Multipart/Form-Data; charset=utf-8; boundary="a b:c"')).toBe('a b:c');
  });

  it('refuses another content type, a missing boundary or one over 70 characters with 400', () => {
    for (const header of [undefined, 'application/json', 'multipart/form-data', `multipart/form-data; boundary=${'x'.repeat(71)}`]) {
      const refused = refusal(() => formBoundary(header));
      expect(refused.status).toBe(400);
      expect(refused.code).toBe('serve.bad-content-type');
    }
  });
});

describe('parseForm', () => {
  const image = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0x0d, 0x0a, 0x2d, 0x2d]);

  it('returns each part with its name, filename, type and exact bytes (binary with CR LF and dashes inside)', () => {
    const form = Buffer.concat([
      body('--XyZ\r\nContent-Disposition: form-data; name="n"\r\n\r\n2\r\n'),
      body('--XyZ\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n'),
      image,
      body('\r\n--XyZ--\r\n'),
    ]);
    const parts = parseForm(form, 'XyZ');
    expect([...parts.keys()]).toEqual(['n', 'image']);
    expect(parts.get('n')).toMatchObject({ filename: null, contentType: null });
    expect(parts.get('n')!.data.toString()).toBe('2');
    expect(parts.get('image')).toMatchObject({ filename: 'a.png', contentType: 'image/png' });
    expect(parts.get('image')!.data.equals(image)).toBe(true);
  });

  it('accepts an empty form and an empty field', () => {
    expect(parseForm(body('--b--'), 'b').size).toBe(0);
    expect(parseForm(body('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n\r\n--b--'), 'b').get('x')!.data.length).toBe(0);
  });

  const malformed: [string, string, RegExp][] = [
    [
      'a preamble before the first boundary',
      'hello\r\n--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n--b--',
      /does not start/,
    ],
    ['a truncated body', '--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n1', /not closed/],
    ['headers that never end', '--b\r\nContent-Disposition: form-data; name="n"\r\n', /no end of headers/],
    ['a part without a name', '--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--', /no Content-Disposition with a name/],
    ['a part without Content-Disposition', '--b\r\nContent-Type: text/plain\r\n\r\n1\r\n--b--', /no Content-Disposition/],
    ['a disposition other than form-data', '--b\r\nContent-Disposition: attachment; name="n"\r\n\r\n1\r\n--b--', /not form-data/],
    ['a header line without a colon', '--b\r\nbroken header\r\n\r\n1\r\n--b--', /header line/],
    [
      'a repeated field',
      '--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n2\r\n--b--',
      /appears twice/,
    ],
    ['data after the close', '--b\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n--b--trailing', /after the closing boundary/],
    ['a boundary followed by junk', '--bjunk\r\n', /not followed by a line break/],
  ];
  for (const [what, text, message] of malformed) {
    it(`refuses ${what} with 400`, () => {
      const refused = refusal(() => parseForm(body(text), 'b'));
      expect(refused).toMatchObject({ status: 400, code: 'serve.bad-multipart' });
      expect(refused.message).toMatch(message);
    });
  }

  it('refuses more parts, longer headers or a longer field than the limits allow', () => {
    const field = (name: string, value: string) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const limits = { maxParts: 2, maxHeaderBytes: 80, maxFieldBytes: 4 };
    expect(refusal(() => parseForm(body(`${field('a', '1')}${field('b', '2')}${field('c', '3')}--b--`), 'b', limits)).message).toMatch(
      /more than 2 parts/,
    );
    expect(refusal(() => parseForm(body(`${field(`a${'x'.repeat(100)}`, '1')}--b--`), 'b', limits)).message).toMatch(/within 80 bytes/);
    expect(refusal(() => parseForm(body(`${field('a', '12345')}--b--`), 'b', limits)).message).toMatch(/field "a" is over 4 bytes/);
    // A file part is bounded by the body limit, not by the field limit.
    const file = '--b\r\nContent-Disposition: form-data; name="f"; filename="x"\r\n\r\n123456789\r\n--b--';
    expect(parseForm(body(file), 'b', limits).get('f')!.data.toString()).toBe('123456789');
  });
});
