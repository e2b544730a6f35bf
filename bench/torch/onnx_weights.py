"""Reads the weights (initializers and Constant-node tensors) of an ONNX model without the `onnx` package.

ONNX files are protobuf messages; only the few fields needed here are decoded:
ModelProto.graph (7) -> GraphProto.node (1) / .initializer (5); TensorProto dims (1), data_type (2),
float_data (4), int64_data (7), name (8), raw_data (9); NodeProto output (2), op_type (4), attribute (5);
AttributeProto name (1), t (5).
"""
import struct

import numpy as np

_DTYPES = {1: np.float32, 6: np.int32, 7: np.int64, 11: np.float64}


def _varint(buf, pos):
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _fields(buf):
    """Yields (field number, wire type, value) of one message; length-delimited values as memoryview slices."""
    pos, end = 0, len(buf)
    while pos < end:
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
        elif wire == 1:
            value, pos = buf[pos:pos + 8], pos + 8
        elif wire == 2:
            size, pos = _varint(buf, pos)
            value, pos = buf[pos:pos + size], pos + size
        elif wire == 5:
            value, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError('unsupported protobuf wire type %d' % wire)
        yield number, wire, value


def _packed_varints(view):
    out, pos = [], 0
    while pos < len(view):
        v, pos = _varint(view, pos)
        out.append(v)
    return out


def _tensor(buf):
    dims, dtype, name, raw, floats, ints = [], 1, '', None, [], []
    for number, wire, value in _fields(buf):
        if number == 1:
            dims.extend(_packed_varints(value) if wire == 2 else [value])
        elif number == 2:
            dtype = value
        elif number == 4:
            floats.extend(struct.unpack('<%df' % (len(value) // 4), bytes(value)) if wire == 2 else struct.unpack('<f', bytes(value)))
        elif number == 7:
            ints.extend(_packed_varints(value) if wire == 2 else [value])
        elif number == 8:
            name = bytes(value).decode('utf-8')
        elif number == 9:
            raw = bytes(value)
        elif number == 14 and value == 1:
            raise ValueError('tensor %s keeps its data in an external file; not supported' % name)
    if dtype not in _DTYPES:
        raise ValueError('tensor %s has ONNX data type %d, which this reader does not handle' % (name, dtype))
    np_type = _DTYPES[dtype]
    if raw is not None:
        array = np.frombuffer(raw, dtype=np.dtype(np_type).newbyteorder('<')).astype(np_type)
    elif floats:
        array = np.asarray(floats, dtype=np_type)
    else:
        # int64_data holds two's complement varints
        array = np.asarray([v - (1 << 64) if v >= 1 << 63 else v for v in ints], dtype=np_type)
    return name, array.reshape(dims)


def read_onnx_weights(path):
    """{name: numpy array} of every initializer and Constant node output in the model's main graph."""
    with open(path, 'rb') as f:
        model = memoryview(f.read())
    graph = next(value for number, _, value in _fields(model) if number == 7)
    weights = {}
    for number, _, value in _fields(graph):
        if number == 5:
            name, array = _tensor(value)
            weights[name] = array
        elif number == 1:
            outputs, op, tensor = [], '', None
            for n, _, v in _fields(value):
                if n == 2:
                    outputs.append(bytes(v).decode('utf-8'))
                elif n == 4:
                    op = bytes(v).decode('utf-8')
                elif n == 5:
                    attr_name, attr_t = '', None
                    for an, _, av in _fields(v):
                        if an == 1:
                            attr_name = bytes(av).decode('utf-8')
                        elif an == 5:
                            attr_t = av
                    if attr_name == 'value' and attr_t is not None:
                        tensor = attr_t
            if op == 'Constant' and tensor is not None and outputs:
                weights[outputs[0]] = _tensor(tensor)[1]
    return weights
