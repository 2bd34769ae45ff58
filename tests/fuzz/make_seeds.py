#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets written for the HTTP front end, the Hugging Face
JSON and paths, and the TOML files (tests/fuzz/corpus/<name>/seed-*). Seeds come from the test
data (the client transcript, the fixture repos through the fake hub, the shipped policy catalog,
the packaged config) plus hand-written hostile cases. Re-run after changing the test data; inputs
saved from crashes (crash-*, regression-*) are left alone.

Usage: python3 tests/fuzz/make_seeds.py"""

import hashlib
import json
import shutil
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CORPUS = HERE / "corpus"
sys.path.insert(0, str(ROOT / "tests" / "integration"))

from fake_hf_repos import load_repos  # noqa: E402

TRANSCRIPT = ROOT / "tests" / "data" / "hf" / "client-transcript.jsonl"
Q05 = "Qwen/Qwen2.5-0.5B-Instruct"

TRAVERSALS = [
    "/../../etc/passwd", f"/{Q05}/resolve/main/%2e%2e/%2e%2e/etc/passwd",
    f"/{Q05}/resolve/main/%252e%252e/etc/passwd", f"/{Q05}/resolve/main/%c0%ae%c0%ae/x",
    f"/{Q05}/resolve/main/..%5c..%5cetc", f"/{Q05}/resolve/main/a%00b",
    f"/{Q05}/resolve/main/..%2f..%2fcatalog.db", f"/{Q05}/resolve/refs%2Fpr%2F1/config.json",
    "/api/models/..%2F..%2Fetc/passwd", "/datasets/org/ds/resolve/main/data/train.csv",
    "/gpt2/resolve/main/config.json", "/api/models/gpt2/tree/main/a/b?recursive=1&cursor=QQ%3D%3D",
    "/api/agent-harnesses", "/api/telemetry/x", "/api/spaces/a/b/xet-read-token/main",
    f"/{Q05}/resolve/main/%", f"/{Q05}/resolve/main/%zz", "/", "", "//", "/api/",
]


def transcript_requests():
    for line in TRANSCRIPT.read_text().splitlines():
        entry = json.loads(line)
        if "method" in entry:
            yield entry


def write(name, seeds):
    directory = CORPUS / name
    if directory.exists():
        for old in directory.glob("seed-*"):
            old.unlink()
    directory.mkdir(parents=True, exist_ok=True)
    unique = {}
    for seed in seeds:
        data = seed if isinstance(seed, bytes) else seed.encode("utf-8", "surrogateescape")
        unique[hashlib.sha1(data).hexdigest()[:16]] = data
    for key, data in sorted(unique.items()):
        (directory / f"seed-{key}").write_bytes(data)
    print(f"{name}: {len(unique)} seeds")


def request_text(method, target, headers, body=""):
    lines = [f"{method} {target}"] + [f"{k}: {v}" for k, v in headers.items()]
    return "\n".join(lines) + "\n\n" + body


def http_request_seeds():
    seeds = [request_text(e["method"], e["path"], e.get("headers", {}))
             for e in transcript_requests()]
    seeds += [request_text("GET", t, {"Host": "m"}) for t in TRAVERSALS]
    seeds += [
        "POST /x\nContent-Length: 4\nTransfer-Encoding: chunked\n",
        "POST /x\nContent-Length: 5\nContent-Length: 6\n", "POST /x\nContent-Length: 5, 5\n",
        "POST /x\nTransfer-Encoding: gzip, chunked\n", "GET /x\nContent-Length: 1\n",
        "OPTIONS *\nOrigin: http://a\n", "GET http://evil/x\n",
        "GET /x\nX-Evil: a\r\nSet-Cookie: b\n",
        "GET /x?a=1&&b=%41+c&=&d\n", "GET /x?%\n", "GET /x?a=%00\n", "HEAD /x\nRange: bytes=0-\n",
    ]
    return seeds


def size_prefix(size, head=False):
    return struct.pack("<Q", size | ((1 << 56) if head else 0))


def http_range_seeds():
    ranges = ["bytes=0-99", "bytes=-5", "bytes=5-", "bytes=0-0,1-1", "bytes=10-5", "bytes=0-",
              "bytes=99999999999999999999999-", "bytes=-0", "bytes=-99999999999999999999",
              "BYTES = 1-2", "items=0-1", "bytes=", "bytes=-", "bytes=1-2\n\"abc\"",
              "bytes=1-2\n\"other\"", ",".join(["0-"] * 50)]
    seeds = []
    for size in (0, 1, 100, 189680):
        for value in ranges:
            seeds.append(size_prefix(size) + value.encode())
            seeds.append(size_prefix(size, head=True) + value.encode())
    return seeds


def hf_json_seeds():
    repos = load_repos(str(ROOT / "tests" / "data" / "hf" / "repos"))
    seeds = []
    for repo in repos.values():
        seeds.append(json.dumps(repo.info(blobs=True)))
        seeds.append(json.dumps(repo.tree_entries("", True)))
        for directory in repo.directories():
            seeds.append(json.dumps(repo.tree_entries(directory, False)))
    seeds += [
        '<https://huggingface.co/api/models/x/tree/abc?cursor=zz>; rel="next"',
        '<a>; rel="prev", <b>; rel=next', "{not json", "[" * 70, '{"id": "a/b", "sha": "'
        + "a" * 40 + '", "tags": ["x", 1, null], "cardData": {"license": "mit"}}',
        '[{"type": "file", "path": "../x", "oid": "' + "0" * 40 + '", "size": 1}]',
        '[{"type": "directory", "path": "a", "oid": "' + "0" * 40 + '", "size": 0}, '
        '{"type": "file", "path": "a", "oid": "' + "0" * 40 + '", "size": 1}]',
        '[{"type": "file", "path": "m", "oid": "' + "0" * 40 + '", "size": 5, "lfs": '
        '{"oid": "' + "0" * 64 + '", "size": 5, "pointerSize": 130}}]',
        "a/b/c", "a\\b", "..", "Qwen/Qwen2.5-0.5B-Instruct", "-a/b.",
    ]
    return seeds


def hf_serve_path_seeds():
    return [e["path"].split("?")[0] for e in transcript_requests()] + TRAVERSALS


def toml_seeds(paths):
    return [p.read_bytes() for p in paths]


def policy_seeds():
    seeds = toml_seeds(sorted((ROOT / "policies" / "catalog").glob("*.toml")))
    seeds += ['[[mirror]]\nname = "x"\nsource = "hf"\nrepo = "a/b"\ninclude = ["**/*.json"]\n',
              '[[mirror]]\nname = "x"\nsource = "hf"\nrepo = "../b"\n',
              '[[mirror]]\nname = "x"\n[[mirror]]\nname = "x"\n', "[[mirror]\n", "hf:a/b@main",
              "hf:datasets/a/b", "pypi:requests==2.0", "git:https://example.org/r.git",
              '[[mirror]]\nname = "p"\nsource = "pypi"\n',
              '[[mirror]]\nname = "a"\nsource = "apt"\n',
              '[[mirror]]\nname = "g"\nsource = "git"\n']
    return seeds


def config_seeds():
    seeds = toml_seeds([ROOT / "systemd" / "mirrord.toml"])
    seeds += ['[server]\nlisten = "[::1]:0"\nthreads = 4\n', '[server]\nlisten = "x"\n',
              '[server]\nthreads = 0\n', '[pull]\nparallel_files = 65\n', '[bogus]\n',
              '[upstream.hf]\nendpoints = []\n', '[upstream.hf]\nendpoints = ["ftp://x"]\n',
              '[server]\nlisten = "127.0.0.1:99999"\n', '[storage]\nroot = 5\n']
    return seeds


def hf_routes_seeds():
    seeds = []
    for entry in transcript_requests():
        path = entry["path"].replace(Q05, "org/repo").replace("Qwen2.5-7B-Instruct", "repo")
        seeds.append(request_text(entry["method"], path, entry.get("headers", {})))
    seeds += [
        request_text("POST", "/api/models/org/repo/paths-info/main",
                     {"Content-Type": "application/json"}, '{"paths": ["config.json", "dir"]}'),
        request_text("POST", "/api/models/org/repo/paths-info/main",
                     {"Content-Type": "application/x-www-form-urlencoded"},
                     "paths=config.json&paths=dir%2Fsub&expand=true"),
        request_text("GET", "/org/repo/resolve/main/a%20b.bin", {"Range": "bytes=10-"}),
        request_text("HEAD", "/org/repo/resolve/refs%2Fpr%2F1/dir/sub/file.txt", {}),
        request_text("GET", "/api/datasets/org/data/tree/main/data?recursive=true", {}),
        request_text("GET", "/api/models/gpt2/revision/main?blobs=true", {}),
        request_text("GET", "/org/repo/resolve/main/empty", {"Range": "bytes=0-0"}),
        request_text("GET", "/api/models/org/repo/tree/main?cursor=%ff", {}),
    ]
    seeds += [request_text("GET", t.replace(Q05, "org/repo"), {}) for t in TRAVERSALS]
    return seeds


def main():
    write("http_request", http_request_seeds())
    write("http_range", http_range_seeds())
    write("hf_json", hf_json_seeds())
    write("hf_serve_path", hf_serve_path_seeds())
    write("policy_toml", policy_seeds())
    write("config_toml", config_seeds())
    write("hf_routes", hf_routes_seeds())
    return 0


if __name__ == "__main__":
    shutil.rmtree(CORPUS / "__pycache__", ignore_errors=True)
    sys.exit(main())
