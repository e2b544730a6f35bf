// Turns the raw request target of an HTTP request into a URL without ever throwing. The headless host serves only
// plain origin-form targets ("/path?query"); anything else is null, which the host answers with 400:
// - absolute or authority form ("http://…", "host:port", "*");
// - a target that begins with "//", which URL parsers read as another host ("//x:99999", "//[");
// - characters RFC 3986 does not allow in a path or query (spaces, controls, "[", "]", "\", non-ASCII bytes);
// - a "%" not followed by two hex digits ("/a%zz").
const base = 'http://127.0.0.1';
const maxTargetLength = 8192;
// unreserved / sub-delims / ":" "@" "/" "?" and "%" (checked separately below).
const allowedCharacters = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/;
const badPercent = /%(?![0-9A-Fa-f]{2})/;

export function parseRequestTarget(raw: string | undefined): URL | null {
  if (raw === undefined || raw.length === 0 || raw.length > maxTargetLength) return null;
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  if (!allowedCharacters.test(raw) || badPercent.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(`${base}${raw}`);
  } catch {
    return null;
  }
  return url.origin === base ? url : null;
}
