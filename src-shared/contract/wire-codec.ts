// JSON encoding for the WebSocket bridge that keeps typed arrays typed (Electron's IPC clones them natively;
// a WebSocket carries text). Both ends of the bridge use this one codec.
const typedArrayKinds = {
  Float64Array,
  Float32Array,
  Int32Array,
  Uint8Array,
} as const;
type TypedKind = keyof typeof typedArrayKinds;

interface EncodedTypedArray {
  __typed: TypedKind;
  base64: string;
}

function isEncoded(value: unknown): value is EncodedTypedArray {
  return typeof value === 'object' && value !== null && '__typed' in value && 'base64' in value && Object.keys(value).length === 2;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    for (const [kind, ctor] of Object.entries(typedArrayKinds) as [TypedKind, (typeof typedArrayKinds)[TypedKind]][]) {
      if (v instanceof ctor) return { __typed: kind, base64: bytesToBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
    return v;
  });
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (!isEncoded(v) || !(v.__typed in typedArrayKinds)) return v;
    const bytes = base64ToBytes(v.base64);
    const ctor = typedArrayKinds[v.__typed];
    return new ctor(bytes.buffer as ArrayBuffer);
  });
}

/** Messages on the bridge socket. */
export type BridgeClientMessage = { id: number; channel: string; payload: unknown };
export type BridgeServerMessage = { id: number; result: unknown } | { event: string; payload: unknown };
