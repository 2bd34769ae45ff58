"""Generated Hugging Face repos for the benchmarks: file contents, their identities, the static
files an nginx upstream serves for them, and catalog rows written straight into a mirror's store.

Contents are pseudo-random (AES-CTR keystream from openssl, keyed by a seed name), so a seed names
the same bytes everywhere: two repos that list the same seed share that shard byte for byte.
Identities follow protocols/hf.md section 7 (git blob ids; LFS files by sha256, their tree oid the
git id of the pointer).
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from procs import Mirrord

LFS_SUFFIXES = (".safetensors", ".bin", ".gguf")
CHUNK = 8 << 20


@dataclass
class GenFile:
    path: str      # inside the repo
    seed: str      # names the content
    size: int
    data: Path     # where the bytes are on disk
    sha256: str = ""
    git_oid: str = ""   # git blob id of the content

    @property
    def lfs(self):
        return self.path.endswith(LFS_SUFFIXES)

    @property
    def pointer(self):
        return (b"version https://git-lfs.github.com/spec/v1\n"
                + b"oid sha256:" + self.sha256.encode() + b"\nsize %d\n" % self.size)

    @property
    def tree_oid(self):
        return git_blob_id(self.pointer) if self.lfs else self.git_oid

    @property
    def etag(self):
        return self.sha256 if self.lfs else self.git_oid


def git_blob_id(content):
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def write_content(path, seed, size):
    """Writes `size` pseudo-random bytes derived from `seed` (fast: AES-NI keystream)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as out:
        enc = subprocess.Popen(["openssl", "enc", "-aes-128-ctr", "-nosalt", "-pbkdf2",
                                "-pass", "pass:" + seed, "-in", "/dev/zero"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        left = size
        while left:
            chunk = enc.stdout.read(min(CHUNK, left))
            out.write(chunk)
            left -= len(chunk)
        enc.kill()
        enc.wait()


def digest_file(path, size):
    sha256 = hashlib.sha256()
    sha1 = hashlib.sha1(b"blob %d\0" % size)
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            sha256.update(chunk)
            sha1.update(chunk)
    return sha256.hexdigest(), sha1.hexdigest()


def materialize(data_dir, specs):
    """specs: [(path, seed, size)] -> [GenFile], writing and hashing each seed once.

    Contents and digests are kept in data_dir (digests.json) and reused by later runs."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    index_path = data_dir / "digests.json"
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    files = []
    for path, seed, size in specs:
        data = data_dir / f"{seed}-{size}.bin"
        key = data.name
        if key not in index or not data.exists() or data.stat().st_size != size:
            write_content(data, seed, size)
            index[key] = digest_file(data, size)
            index_path.write_text(json.dumps(index))
        sha256, git_oid = index[key]
        files.append(GenFile(path, seed, size, data, sha256, git_oid))
    return files


def commit_of(files):
    listing = "".join(f"{f.path}\0{f.tree_oid}\n" for f in sorted(files, key=lambda f: f.path))
    return hashlib.sha1(listing.encode()).hexdigest()


def tree_entry(f):
    entry = {"type": "file", "oid": f.tree_oid, "size": f.size, "path": f.path}
    if f.lfs:
        entry["lfs"] = {"oid": f.sha256, "size": f.size, "pointerSize": len(f.pointer)}
    return entry


def publish_upstream(www, repo_id, files):
    """Lays out what an HF upstream answers for repo_id as static files under `www`:
    /api/models/R/revision/main, /api/models/R/tree/<sha> (query ignored), and
    /R/resolve/<sha>/<path> (hard links to the contents). Returns the commit."""
    www = Path(www)
    commit = commit_of(files)
    api = www / "api" / "models" / repo_id
    (api / "revision").mkdir(parents=True, exist_ok=True)
    (api / "tree").mkdir(parents=True, exist_ok=True)
    info = {"id": repo_id, "modelId": repo_id, "sha": commit, "private": False, "gated": False,
            "disabled": False, "tags": ["bench"], "library_name": "transformers",
            "lastModified": "2024-09-25T14:32:11.000Z",
            "siblings": [{"rfilename": f.path} for f in sorted(files, key=lambda f: f.path)]}
    (api / "revision" / "main").write_text(json.dumps(info))
    entries = [tree_entry(f) for f in sorted(files, key=lambda f: f.path)]
    (api / "tree" / commit).write_text(json.dumps(entries))
    for f in files:
        target = www / repo_id / "resolve" / commit / f.path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            os.link(f.data, target)
    return commit


def resolve_urls(base, repo_id, commit, files):
    return [f"{base}/{repo_id}/resolve/{commit}/{f.path}" for f in files]


def policy(name, repo_id):
    return (f'[[mirror]]\nname = "{name}"\naliases = []\nsource = "hf"\nrepo = "{repo_id}"\n'
            'revision = "main"\ninclude = []\nexclude = []\n')


# --- catalog rows written directly (serving benchmarks do not need a pull first) -------------

def init_state(state_dir):
    """A store whose catalog.db has the daemon's current schema (mirrord creates it)."""
    with Mirrord(state_dir):
        pass
    return Path(state_dir)


def blob_path(state_dir, sha256):
    return Path(state_dir) / "blobs" / "sha256" / sha256[:2] / sha256[2:4] / sha256


def place_blob(state_dir, f):
    """Hard-links the content into the store (same inode, same page cache as the source)."""
    target = blob_path(state_dir, f.sha256)
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.link(f.data, target)


def open_catalog(state_dir):
    db = sqlite3.connect(Path(state_dir) / "catalog.db", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")  # generation only: the daemon is not running
    return db


def insert_snapshot(db, repo_id, commit, rows, refs=("main",), info_json="{}", blobs=True):
    """rows: [(path, sha256, git_oid_of_content, tree_oid, lfs, size)]. One transaction."""
    now = int(time.time())
    db.execute("BEGIN")
    db.execute("INSERT OR IGNORE INTO repos (kind, name) VALUES ('model', ?)", (repo_id,))
    repo_pk = db.execute("SELECT id FROM repos WHERE kind = 'model' AND name = ?",
                         (repo_id,)).fetchone()[0]
    if blobs:
        db.executemany("INSERT OR IGNORE INTO blobs (sha256, size, git_oid, created_at) "
                       "VALUES (?, ?, ?, ?)", [(r[1], r[5], r[2], now) for r in rows])
    cur = db.execute("INSERT INTO snapshots (repo_id, commit_sha, published_at, file_count, "
                     "total_bytes, info_json) VALUES (?, ?, ?, ?, ?, ?)",
                     (repo_pk, commit, now, len(rows), sum(r[5] for r in rows), info_json))
    snapshot_pk = cur.lastrowid
    db.executemany("INSERT INTO snapshot_files (snapshot_id, path, sha256, git_oid, lfs, size) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [(snapshot_pk, r[0], r[1], r[3], int(r[4]), r[5]) for r in rows])
    db.executemany("INSERT INTO refs (repo_id, name, commit_sha, updated_at) VALUES (?, ?, ?, ?)",
                   [(repo_pk, ref, commit, now) for ref in refs])
    db.execute("COMMIT")


def add_generated_repo(state_dir, repo_id, files, info=None):
    """Publishes generated files as repo_id@main straight into the store; returns the commit."""
    commit = commit_of(files)
    for f in files:
        place_blob(state_dir, f)
    rows = [(f.path, f.sha256, f.git_oid, f.tree_oid, f.lfs, f.size) for f in files]
    db = open_catalog(state_dir)
    try:
        insert_snapshot(db, repo_id, commit, rows, info_json=json.dumps(info or {}))
    finally:
        db.close()
    return commit
