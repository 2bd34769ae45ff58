"""Checks a mirrord state directory from the outside, with the daemon stopped or killed: what a
crash may leave behind (.part files, unreferenced blobs) and what it must never leave (a blob whose
bytes do not match its name, a catalog row without its blob, a half-published snapshot)."""

import hashlib
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass
class StoreState:
    problems: list = field(default_factory=list)
    blobs: dict = field(default_factory=dict)       # sha256 -> size, files under blobs/sha256
    parts: dict = field(default_factory=dict)       # .part name -> size, under tmp/
    snapshots: list = field(default_factory=list)   # (repo kind, repo name, commit, file count)

    @property
    def part_bytes(self):
        return sum(self.parts.values())


def sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _scan_blobs(root, state):
    blobs_dir = root / "blobs" / "sha256"
    if not blobs_dir.is_dir():
        return
    for path in sorted(blobs_dir.rglob("*")):
        if path.is_dir():
            continue
        parts = path.relative_to(blobs_dir).parts
        name = path.name
        if not HEX64.fullmatch(name) or parts != (name[:2], name[2:4], name):
            state.problems.append(f"unexpected file under blobs/: {path.relative_to(root)}")
            continue
        actual = sha256_file(path)
        if actual != name:
            state.problems.append(f"blob {name} holds bytes whose sha256 is {actual}")
        state.blobs[name] = path.stat().st_size


def _scan_parts(root, state):
    tmp = root / "tmp"
    if tmp.is_dir():
        for path in tmp.iterdir():
            if path.is_file():
                state.parts[path.name] = path.stat().st_size


def _open_catalog_copy(root, scratch):
    """A copy of catalog.db (and its WAL), so that reading it changes nothing in the store."""
    db = root / "catalog.db"
    if not db.exists():
        return None
    for suffix in ("", "-wal"):
        source = Path(str(db) + suffix)
        if source.exists():
            shutil.copyfile(source, Path(scratch) / ("catalog.db" + suffix))
    return sqlite3.connect(Path(scratch) / "catalog.db")


def _check_catalog(db, state):
    problems = state.problems
    (integrity,) = db.execute("PRAGMA integrity_check").fetchone()
    if integrity != "ok":
        problems.append(f"catalog integrity_check: {integrity}")
    for row in db.execute("PRAGMA foreign_key_check"):
        problems.append(f"catalog foreign key violation: {row}")
    for sha, size in db.execute("SELECT sha256, size FROM blobs"):
        if sha not in state.blobs:
            problems.append(f"catalog row for blob {sha} without its blob")
        elif state.blobs[sha] != size:
            problems.append(f"blob {sha}: catalog says {size} bytes, file has {state.blobs[sha]}")
    for snapshot_id, path, sha, size in db.execute(
            "SELECT snapshot_id, path, sha256, size FROM snapshot_files"):
        if sha not in state.blobs:
            problems.append(f"snapshot {snapshot_id} file {path}: blob {sha} is missing")
        elif state.blobs[sha] != size:
            problems.append(f"snapshot {snapshot_id} file {path}: size {size} != blob size")
    query = ("SELECT s.id, r.kind, r.name, s.commit_sha, s.file_count, s.total_bytes, "
             "(SELECT COUNT(*) FROM snapshot_files f WHERE f.snapshot_id = s.id), "
             "(SELECT COALESCE(SUM(size), 0) FROM snapshot_files f WHERE f.snapshot_id = s.id) "
             "FROM snapshots s JOIN repos r ON r.id = s.repo_id")
    for sid, kind, name, commit, count, total, rows, row_bytes in db.execute(query):
        if (count, total) != (rows, row_bytes):
            problems.append(f"half-published snapshot {sid} of {name}@{commit}: says {count} "
                            f"files / {total} bytes, holds {rows} / {row_bytes}")
        state.snapshots.append((kind, name, commit, rows))
    for name, commit in db.execute(
            "SELECT r.name, f.commit_sha FROM refs f JOIN repos r ON r.id = f.repo_id WHERE NOT "
            "EXISTS (SELECT 1 FROM snapshots s WHERE s.repo_id = f.repo_id AND "
            "s.commit_sha = f.commit_sha)"):
        problems.append(f"ref of {name} points at {commit}, which has no snapshot")


def check_store(root):
    """Every problem found under `root` (a storage root); an empty list means consistent."""
    root = Path(root)
    state = StoreState()
    _scan_blobs(root, state)
    _scan_parts(root, state)
    with tempfile.TemporaryDirectory(prefix="mirrord-catalog-") as scratch:
        db = _open_catalog_copy(root, scratch)
        if db is not None:
            try:
                _check_catalog(db, state)
            finally:
                db.close()
    return state
