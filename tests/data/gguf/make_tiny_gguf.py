#!/usr/bin/env python3
"""Writes a GGUF v3 file holding the tensors of a safetensors file (stdlib only).

Used once to make qwen2.5-0.5b-instruct-tiny.gguf from
tests/data/hf/repos/Qwen/Qwen2.5-0.5B-Instruct/model.safetensors (bf16 tensors become GGML BF16,
type 30; dimensions are written innermost first, as GGUF does; data aligned to 32 bytes).

usage: make_tiny_gguf.py MODEL.safetensors OUT.gguf
"""
import json
import struct
import sys

GGML_TYPES = {"BF16": 30, "F16": 1, "F32": 0}
ALIGNMENT = 32


def gguf_string(text):
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def kv_string(key, value):
    return gguf_string(key) + struct.pack("<I", 8) + gguf_string(value)


def kv_u32(key, value):
    return gguf_string(key) + struct.pack("<I", 4) + struct.pack("<I", value)


def main(source, target):
    with open(source, "rb") as fh:
        blob = fh.read()
    (header_len,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + header_len])
    data = blob[8 + header_len:]
    tensors = [(name, info) for name, info in sorted(header.items()) if name != "__metadata__"]
    metadata = [
        kv_string("general.architecture", "qwen2"),
        kv_string("general.name", "Qwen2.5-0.5B-Instruct (tiny test model)"),
        kv_u32("general.alignment", ALIGNMENT),
        kv_u32("qwen2.block_count", 2),
    ]
    infos, payload = [], b""
    for name, info in tensors:
        begin, end = info["data_offsets"]
        dims = list(reversed(info["shape"]))
        infos.append(gguf_string(name) + struct.pack("<I", len(dims))
                     + b"".join(struct.pack("<Q", d) for d in dims)
                     + struct.pack("<I", GGML_TYPES[info["dtype"]])
                     + struct.pack("<Q", len(payload)))
        payload += data[begin:end]
        payload += b"\0" * ((-len(payload)) % ALIGNMENT)
    head = (b"GGUF" + struct.pack("<I", 3) + struct.pack("<Q", len(tensors))
            + struct.pack("<Q", len(metadata)) + b"".join(metadata) + b"".join(infos))
    head += b"\0" * ((-len(head)) % ALIGNMENT)
    with open(target, "wb") as fh:
        fh.write(head + payload)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
