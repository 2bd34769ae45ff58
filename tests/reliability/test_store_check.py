"""The store checker that the crash test trusts must itself catch each kind of damage: a blob
whose bytes do not match its name, a catalog row without its blob, a half-published snapshot, a
ref to nothing. Built by hand on a catalog with the tables the daemon creates."""

import hashlib
import sqlite3

import pytest

from store_check import check_store

SCHEMA = """
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, git_oid TEXT NOT NULL,
                    created_at INTEGER NOT NULL);
CREATE TABLE repos (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE snapshots (id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL, commit_sha TEXT NOT NULL,
                        published_at INTEGER NOT NULL, file_count INTEGER NOT NULL,
                        total_bytes INTEGER NOT NULL, info_json TEXT NOT NULL);
CREATE TABLE snapshot_files (snapshot_id INTEGER NOT NULL, path TEXT NOT NULL,
                             sha256 TEXT NOT NULL, git_oid TEXT NOT NULL, lfs INTEGER NOT NULL,
                             size INTEGER NOT NULL);
CREATE TABLE refs (repo_id INTEGER NOT NULL, name TEXT NOT NULL, commit_sha TEXT NOT NULL,
                   updated_at INTEGER NOT NULL);
"""
CONTENT = {"a.json": b'{"a": 1}', "b.bin": b"\x00" * 1000}


def blob_path(root, digest):
    return root / "blobs" / "sha256" / digest[:2] / digest[2:4] / digest


@pytest.fixture
def store(tmp_path):
    root = tmp_path / "state"
    root.mkdir()
    db = sqlite3.connect(root / "catalog.db")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO repos VALUES (1, 'model', 'org/repo')")
    db.execute("INSERT INTO snapshots VALUES (1, 1, 'c0ffee', 0, ?, ?, '{}')",
               (len(CONTENT), sum(len(c) for c in CONTENT.values())))
    db.execute("INSERT INTO refs VALUES (1, 'main', 'c0ffee', 0)")
    for path, content in CONTENT.items():
        digest = hashlib.sha256(content).hexdigest()
        blob_path(root, digest).parent.mkdir(parents=True, exist_ok=True)
        blob_path(root, digest).write_bytes(content)
        db.execute("INSERT INTO blobs VALUES (?, ?, 'x', 0)", (digest, len(content)))
        db.execute("INSERT INTO snapshot_files VALUES (1, ?, ?, 'x', 0, ?)",
                   (path, digest, len(content)))
    db.commit()
    db.close()
    return root


def problems(root):
    return "\n".join(check_store(root).problems)


def test_a_consistent_store_passes(store):
    state = check_store(store)
    assert state.problems == [] and len(state.blobs) == 2
    assert state.snapshots == [("model", "org/repo", "c0ffee", 2)]


def test_a_blob_with_other_bytes_is_caught(store):
    digest = hashlib.sha256(CONTENT["a.json"]).hexdigest()
    blob_path(store, digest).write_bytes(b'{"a": 2}')
    assert f"blob {digest} holds bytes" in problems(store)


def test_a_row_without_its_blob_is_caught(store):
    digest = hashlib.sha256(CONTENT["b.bin"]).hexdigest()
    blob_path(store, digest).unlink()
    found = problems(store)
    assert f"catalog row for blob {digest} without its blob" in found
    assert "b.bin: blob" in found


def test_a_half_published_snapshot_is_caught(store):
    db = sqlite3.connect(store / "catalog.db")
    db.execute("DELETE FROM snapshot_files WHERE path = 'b.bin'")
    db.commit()
    db.close()
    assert "half-published snapshot 1" in problems(store)


def test_a_ref_to_no_snapshot_and_a_stray_file_are_caught(store):
    db = sqlite3.connect(store / "catalog.db")
    db.execute("UPDATE refs SET commit_sha = 'deadbeef'")
    db.commit()
    db.close()
    (store / "blobs" / "sha256" / "stray.part").write_bytes(b"x")
    found = problems(store)
    assert "points at deadbeef" in found and "unexpected file under blobs/" in found
