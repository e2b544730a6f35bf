// The smallest ONNX model there is (one Identity node on a float32[1] tensor), written as protobuf bytes here so that
// checking whether an execution provider can open a session needs no file on disk and no run's model.

/** A varint as protobuf writes it: seven bits a byte, low bits first. */
function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

function numberField(field: number, value: number): number[] {
  return [...varint(field << 3), ...varint(value)];
}

/** A length-delimited field (wire type 2): a string or an embedded message. */
function bytesField(field: number, content: readonly number[]): number[] {
  return [...varint((field << 3) | 2), ...varint(content.length), ...content];
}

function text(value: string): number[] {
  return [...new TextEncoder().encode(value)];
}

/** ValueInfoProto { name, type: TypeProto { tensor_type { elem_type: FLOAT, shape { dim { dim_value: 1 } } } } } */
function floatVectorValue(name: string): number[] {
  const shape = bytesField(1, numberField(1, 1));
  const tensorType = [...numberField(1, 1), ...bytesField(2, shape)];
  return [...bytesField(1, text(name)), ...bytesField(2, bytesField(1, tensorType))];
}

/** ModelProto { ir_version 8, graph { node Identity(x) -> y, input x, output y }, opset_import { version 13 } } */
export function providerProbeModel(): Uint8Array {
  const node = [...bytesField(1, text('x')), ...bytesField(2, text('y')), ...bytesField(4, text('Identity'))];
  const graph = [
    ...bytesField(1, node),
    ...bytesField(2, text('provider-probe')),
    ...bytesField(11, floatVectorValue('x')),
    ...bytesField(12, floatVectorValue('y')),
  ];
  return Uint8Array.from([...numberField(1, 8), ...bytesField(7, graph), ...bytesField(8, numberField(2, 13))]);
}
