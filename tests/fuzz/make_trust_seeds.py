#!/usr/bin/env python3
"""Writes the seed corpora of the content inspectors' fuzz targets (pickle_scanner, zip_reader,
safetensors, gguf, model_sig) into tests/fuzz/corpus/<name>/seed-*: real files from tests/data
(the picklescan corpus, PyTorch archives, the tiny Qwen safetensors and GGUF, the OpenSSF golden
model.sig files) plus hand-made hostile headers. Inputs saved from crashes (crash-*,
regression-*) are left alone.

Usage: python3 tests/fuzz/make_trust_seeds.py"""

import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
CORPUS = HERE / "corpus"


def write(name, seeds):
    folder = CORPUS / name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("seed-*"):
        old.unlink()
    for label, data in seeds:
        (folder / f"seed-{label}").write_bytes(data)


def u32(v):
    return struct.pack("<I", v)


def u64(v):
    return struct.pack("<Q", v)


def gstr(text):
    return u64(len(text)) + text


def pickle_seeds():
    seeds = []
    for path in sorted((DATA / "pickles").iterdir()):
        if path.suffix in (".pkl", ".pickle", ".pt") or path.name == "pytorch_model.bin":
            seeds.append((path.name, path.read_bytes()))
    for archive in (DATA / "pickles" / "new_pytorch_model.bin",
                    DATA / "hf" / "repos" / "legacy" / "pickled-model" / "pytorch_model.bin"):
        with zipfile.ZipFile(archive) as z:
            name = next(n for n in z.namelist() if n.endswith("data.pkl"))
            seeds.append((archive.parent.name + "-data.pkl", z.read(name)))
    seeds += [
        ("binunicode8-2pow63", b"\x80\x04\x8d" + u64(1 << 63) + b"x."),
        ("legacy-magic-then-garbage",
         b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19." + b"\x80\x02K\x01." * 4
         + b"\xff" * 16),
        ("ext1", b"\x80\x02\x82\x01."),
        ("memo-get-unwritten", b"\x80\x02h\x07."),
    ]
    return seeds


def zip_seeds():
    seeds = [(p.name, p.read_bytes()) for p in sorted((DATA / "pickles").glob("*.zip"))]
    seeds.append(("new_pytorch_model.bin", (DATA / "pickles" / "new_pytorch_model.bin").read_bytes()))
    seeds.append(("qwen-legacy-pytorch_model.bin",
                  (DATA / "hf/repos/legacy/pickled-model/pytorch_model.bin").read_bytes()))
    crc = bytearray((DATA / "pickles" / "malicious1.zip").read_bytes())
    central = crc.find(b"PK\x01\x02")
    crc[14] ^= 1
    crc[central + 16] ^= 1
    seeds.append(("malicious1-crc", bytes(crc)))
    return seeds


def safetensors_seeds():
    shard = DATA / "hf/repos/Qwen/Qwen2.5-7B-Instruct/model-00002-of-00006.safetensors"
    seeds = [("qwen-shard", shard.read_bytes())]

    def st(header, data_len):
        return u64(len(header)) + header + b"\0" * data_len

    seeds += [
        ("header-2pow63", u64(1 << 63) + b"{}"),
        ("overlap", st(b'{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},'
                       b'"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}}', 4)),
        ("trailing", st(b'{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 5)),
        ("metadata", st(b'{"__metadata__":{"format":"pt"},'
                        b'"a":{"dtype":"BF16","shape":[2,2],"data_offsets":[0,8]}}', 8)),
    ]
    return seeds


def gguf_seeds():
    seeds = [("qwen-tiny", (DATA / "gguf" / "qwen2.5-0.5b-instruct-tiny.gguf").read_bytes())]
    head = b"GGUF" + u32(3)
    tensor = lambda dims: gstr(b"t") + u32(len(dims)) + b"".join(u64(d) for d in dims) + u32(0) + u64(0)
    seeds += [
        ("n_kv-2pow63", head + u64(0) + u64(1 << 63)),
        ("string-2pow63", head + u64(0) + u64(1) + gstr(b"k") + u32(8) + u64(1 << 63)),
        ("n_dims-5", head + u64(1) + u64(0) + tensor([1, 1, 1, 1, 1]) + b"\0" * 64),
        ("dim-2pow42plus1", head + u64(1) + u64(0) + tensor([(1 << 42) + 1, 1 << 42]) + b"\0" * 64),
        ("array-u8-as-f32", head + u64(0) + u64(1) + gstr(b"k") + u32(9) + u32(6) + u64(4)
         + b"\x01\x02\x03\x04"),
    ]
    return seeds


def model_sig_seeds():
    seeds = []
    for folder in sorted((DATA / "model-signing").glob("v1.*")):
        bundle = (folder / "model.sig").read_bytes()
        seeds.append((folder.name, bundle))
    seeds.append(("truncated", seeds[0][1][: len(seeds[0][1]) // 2]))
    seeds.append(("empty-object", b"{}"))
    return seeds


def main():
    write("pickle_scanner", pickle_seeds())
    write("zip_reader", zip_seeds())
    write("safetensors", safetensors_seeds())
    write("gguf", gguf_seeds())
    write("model_sig", model_sig_seeds())


if __name__ == "__main__":
    main()
