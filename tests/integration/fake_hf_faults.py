"""Faults a fake Hugging Face hub can inject, and what it counts, both safe to use from any thread.

A fault targets either a file ("ORG/NAME/path/in/repo") or an exact request path ("/api/...").
Kinds:
  corrupt    flip one byte in the middle of what is served for the file (every time)
  truncate   how="short": serve only the first half, with a Content-Length that says so;
             how="close": announce the full length, close the connection after half (every time)
  drop_once  announce the full length, close the connection after half, once; then serve normally
  delay      wait `seconds` before sending the file's bytes (every time)
  status     answer `status` (e.g. 503, 429 with retry_after seconds) `times` times (None: always)
  tree_entry (names `repo` and `entry`, not file or path) list `entry` in the repo's tree, replacing
             the entry with the same path: lying metadata, hostile paths
  endless    answer 200 without a Content-Length and send the file, then zeros, until the client
             hangs up (or `seconds`, default 120): a body longer than anything declared
  oversize   send the file plus `extra` bytes (default 4096), with a Content-Length that says so
  lying_length  announce `extra` (default 1000; negative: fewer) bytes more than the file has,
             send the file, close; `times` times (default None: always)
  stall      send half, wait `seconds` (default 40), send the rest; `times` times (default 1)
  reset      send half, then reset the connection (RST); `times` times (default None: always)
  throttle   send at most `bytes_per_second` (every time)
  redirect   answer resolve with 302: how="loop" to the same URL (every time), or to `location`
  body       (names `path`) answer `status` (default 200) with `body` as JSON text, `times` times
             (None: always): invalid or hostile API documents
Status faults apply to the first hop (`hop`="resolve", the default) or to the CDN (`hop`="cdn");
byte faults apply wherever the bytes are served (the CDN for LFS files, resolve for the others).
Statistics count, per file, the body bytes promised (`body_bytes`, counted before writing) and the
bytes actually written to the socket (`sent_bytes`).
"""

import threading
import time

BYTE_KINDS = ("corrupt", "truncate", "drop_once", "delay", "endless", "oversize", "lying_length",
              "stall", "reset", "throttle")
KINDS = BYTE_KINDS + ("status", "tree_entry", "redirect", "body")
# Byte faults that bite a limited number of times (the others bite every time).
_COUNTED_DEFAULTS = {"stall": 1, "reset": None, "lying_length": None}


def validate_fault(fault: dict) -> dict:
    fault = dict(fault)
    if fault.get("kind") not in KINDS:
        raise ValueError(f"unknown fault kind {fault.get('kind')!r}; expected one of {KINDS}")
    if fault["kind"] == "tree_entry":
        if not isinstance(fault.get("repo"), str) or not isinstance(fault.get("entry"), dict):
            raise ValueError("a tree_entry fault names a 'repo' and an 'entry' object")
        return fault
    if ("file" in fault) == ("path" in fault):
        raise ValueError("a fault names exactly one of 'file' or 'path'")
    if fault["kind"] == "status":
        fault.setdefault("status", 503)
        fault.setdefault("hop", "resolve")
        fault.setdefault("times", None)
    if fault["kind"] == "truncate":
        fault.setdefault("how", "short")
        if fault["how"] not in ("short", "close"):
            raise ValueError("truncate: how is 'short' or 'close'")
    if fault["kind"] in _COUNTED_DEFAULTS:
        fault.setdefault("times", _COUNTED_DEFAULTS[fault["kind"]])
    if fault["kind"] == "throttle" and not fault.get("bytes_per_second", 0) > 0:
        raise ValueError("throttle: bytes_per_second must be positive")
    if fault["kind"] == "redirect" and fault.get("how") != "loop" and "location" not in fault:
        raise ValueError("redirect: how='loop' or a 'location'")
    if fault["kind"] == "body":
        if "path" not in fault or not isinstance(fault.get("body"), str):
            raise ValueError("a body fault names a 'path' and a 'body' string")
        fault.setdefault("status", 200)
        fault.setdefault("times", None)
    return fault


def _targets(fault, file_key, request_path) -> bool:
    if "file" in fault:
        return fault["file"] == file_key
    return fault["path"] == request_path


class FaultBook:
    """The active faults plus the request statistics of one fake hub."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults = []
        self._reset_stats_locked()

    def _reset_stats_locked(self):
        self._paths = {}  # request path -> count
        self._files = {}  # file key -> {"resolve", "cdn", "body_bytes", "ranges"}
        self._log = []

    # Faults
    def add(self, fault: dict):
        fault = validate_fault(fault)
        with self._lock:
            self._faults.append(fault)

    def clear(self):
        with self._lock:
            self._faults.clear()

    def take_status(self, file_key, request_path, hop):
        """The status fault that applies to this request, consuming one of its `times`."""
        with self._lock:
            for fault in self._faults:
                if fault["kind"] != "status" or fault["hop"] != hop:
                    continue
                if not _targets(fault, file_key, request_path):
                    continue
                if fault["times"] is not None:
                    if fault["times"] <= 0:
                        continue
                    fault["times"] -= 1
                return dict(fault)
        return None

    def take_byte_faults(self, file_key):
        """The byte faults for this file; a drop_once, and one of a counted fault's `times`, is
        consumed."""
        found = []
        with self._lock:
            for fault in self._faults:
                if fault["kind"] in BYTE_KINDS and fault.get("file") == file_key:
                    if fault["kind"] == "drop_once":
                        if fault.get("done"):
                            continue
                        fault["done"] = True
                    if fault["kind"] in _COUNTED_DEFAULTS and fault["times"] is not None:
                        if fault["times"] <= 0:
                            continue
                        fault["times"] -= 1
                    found.append(dict(fault))
        return found

    def take_path_fault(self, kind, file_key, request_path):
        """The first `kind` fault ("redirect" or "body") for this request, consuming one of its
        `times` when it has a count."""
        with self._lock:
            for fault in self._faults:
                if fault["kind"] != kind or not _targets(fault, file_key, request_path):
                    continue
                if fault.get("times") is not None:
                    if fault["times"] <= 0:
                        continue
                    fault["times"] -= 1
                return dict(fault)
        return None

    def tree_entries(self, repo_id):
        """Injected tree entries for this repo, by path."""
        with self._lock:
            return {f["entry"]["path"]: dict(f["entry"]) for f in self._faults
                    if f["kind"] == "tree_entry" and f["repo"] == repo_id}

    # Statistics
    def record(self, method, path, status, hop, file_key=None, range_header=None, auth=None):
        with self._lock:
            self._paths[path] = self._paths.get(path, 0) + 1
            self._log.append({"t": time.time(), "method": method, "path": path, "status": status,
                              "hop": hop, "file": file_key, "range": range_header,
                              "authorization": auth})
            if file_key is not None:
                stats = self._file_stats_locked(file_key)
                stats[hop] += 1
                if range_header:
                    stats["ranges"].append(range_header)

    def add_body_bytes(self, file_key, count):
        with self._lock:
            self._file_stats_locked(file_key)["body_bytes"] += count

    def add_sent_bytes(self, file_key, count):
        with self._lock:
            self._file_stats_locked(file_key)["sent_bytes"] += count

    def _file_stats_locked(self, file_key):
        return self._files.setdefault(
            file_key, {"resolve": 0, "cdn": 0, "body_bytes": 0, "sent_bytes": 0, "ranges": []})

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "paths": dict(self._paths),
                "files": {k: dict(v, ranges=list(v["ranges"])) for k, v in self._files.items()},
                "log": [dict(e) for e in self._log],
                "faults": [dict(f) for f in self._faults],
            }

    def reset_stats(self):
        with self._lock:
            self._reset_stats_locked()
