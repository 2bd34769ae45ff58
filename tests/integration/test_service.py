"""mirrord under a service manager: the sd_notify protocol (READY, RELOADING, STOPPING, watchdog
pings from the event loops), reload on SIGHUP without dropping work, and a clean, prompt stop on
SIGTERM in the middle of a slow download. The test owns the notify socket that systemd would."""

import hashlib
import http.client
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from hf_expectations import Q05, Q7, TABLE, original_sha256
from http_util import request
from mirrord_proc import Mirrord, binary, policy_toml

LFS_FILE = "model.safetensors"
LFS_SIZE = TABLE[Q05][LFS_FILE][0]
WATCHDOG_USEC = 400_000  # the daemon should ping every 200 ms


class NotifySocket:
    """The datagram socket systemd listens on (NOTIFY_SOCKET), with every message received."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="mn-"))  # short: sun_path holds 108 bytes
        self.path = self.dir / "notify"
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(self.path))
        self.sock.settimeout(0.1)
        self.messages = []  # (monotonic time, {field: value})

    def drain(self):
        while True:
            try:
                data = self.sock.recv(4096)
            except (socket.timeout, BlockingIOError):
                return
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            self.messages.append((time.monotonic(), fields))

    def collect_for(self, seconds):
        """Receives for `seconds`, stamping each message as it arrives."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.drain()

    def wait_for(self, field, value="1", after=0, timeout=10):
        """The index of the first message from `after` on that sets field=value."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            for index in range(after, len(self.messages)):
                if self.messages[index][1].get(field) == value:
                    return index
        raise AssertionError(f"no {field}={value} within {timeout}s; got {self.messages}")

    def close(self):
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def notify():
    listener = NotifySocket()
    yield listener
    listener.close()


def start_daemon(hub, policies_text, env=None):
    daemon = Mirrord([hub.url], policies_text)
    daemon.env = env
    return daemon.start()


def wait_for_log(daemon, text, count=1, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if daemon.log_path.read_text(errors="replace").count(text) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} (x{count}) not logged within {timeout}s; log:\n"
                         f"{daemon.log_tail()}")


def start_pull(daemon, target):
    return subprocess.Popen([binary("MIRRORCTL_BIN"), "--socket", str(daemon.admin_socket),
                             "pull", target], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, text=True)


def part_size(path):
    """A small file's .part is renamed into the store between glob and stat: count it as 0."""
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def wait_for_part_bytes(daemon, at_least, timeout=20):
    """Waits until a .part in the store holds `at_least` bytes: a download is under way."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sizes = [part_size(p) for p in (daemon.state_dir / "tmp").glob("*.part")]
        if sizes and max(sizes) >= at_least:
            return
        time.sleep(0.05)
    raise AssertionError(f"no .part of {at_least} bytes within {timeout}s; log:\n"
                         f"{daemon.log_tail()}")


class AdminConnection(http.client.HTTPConnection):
    """HTTP over the admin Unix socket."""

    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.unix_path = str(path)

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(self.unix_path)


def listed_policies(daemon):
    conn = AdminConnection(daemon.admin_socket)
    try:
        conn.request("GET", "/v1/policies")
        response = conn.getresponse()
        assert response.status == 200
        return sorted(p["name"] for p in json.loads(response.read())["policies"])
    finally:
        conn.close()


def assert_served_intact(daemon, repo, path):
    response = request(f"{daemon.public_url}/{repo}/resolve/main/{path}")
    assert response.status == 200, response.describe()
    assert hashlib.sha256(response.body).hexdigest() == original_sha256(repo, path)


# --- the notify protocol and the watchdog ---


def test_notifies_ready_watchdog_reloading_and_stopping(fresh_hub, notify):
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05),
                          {"NOTIFY_SOCKET": str(notify.path), "WATCHDOG_USEC": str(WATCHDOG_USEC)})
    try:
        ready = notify.wait_for("READY")
        assert notify.messages[ready][1].get("STATUS", "").startswith("serving http://")
        notify.collect_for(1.5)
        pings = [t for t, fields in notify.messages[ready:] if fields.get("WATCHDOG") == "1"]
        assert len(pings) >= 4, f"expected a ping every 200 ms, got {len(pings)} in 1.5 s"
        gaps = sorted(b - a for a, b in zip(pings, pings[1:]))
        median = gaps[len(gaps) // 2]
        assert 0.15 < median < 0.3, f"pings not every WATCHDOG_USEC/2 (200 ms): {gaps}"

        daemon.proc.send_signal(signal.SIGHUP)
        reloading = notify.wait_for("RELOADING", after=ready + 1)
        assert "MONOTONIC_USEC" in notify.messages[reloading][1]
        ready_again = notify.wait_for("READY", after=reloading + 1)
        assert notify.messages[ready_again][1].get("STATUS") == "reloaded"

        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(10) == 0, daemon.log_tail()
        notify.wait_for("STOPPING", after=ready_again + 1)
    finally:
        daemon.cleanup()


def test_no_watchdog_pings_unless_asked(fresh_hub, notify):
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05),
                          {"NOTIFY_SOCKET": str(notify.path)})
    try:
        notify.wait_for("READY")
        notify.collect_for(1)
        assert not [f for _, f in notify.messages if "WATCHDOG" in f], notify.messages
        assert "watchdog" not in daemon.log_path.read_text()
    finally:
        daemon.cleanup()


# --- reload on SIGHUP ---


def test_reload_adds_a_policy_and_keeps_a_download_in_progress(fresh_hub):
    fresh_hub.add_fault(kind="throttle", file=f"{Q05}/{LFS_FILE}", bytes_per_second=40_000)
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05))
    try:
        unknown = daemon.ctl("pull", "qwen-7b")
        assert unknown.returncode == 4, daemon.explain(unknown)
        slow_pull = start_pull(daemon, "qwen")
        wait_for_part_bytes(daemon, 20_000)

        (daemon.policies_dir / "seven.toml").write_text(policy_toml("qwen-7b", Q7))
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for_log(daemon, "reloaded: 2 policies")
        assert slow_pull.poll() is None, "the pull in progress ended at the reload"

        assert listed_policies(daemon) == ["qwen", "qwen-7b"]
        pulled = daemon.ctl("pull", "qwen-7b")
        assert pulled.returncode == 0, daemon.explain(pulled)

        output, _ = slow_pull.communicate(timeout=60)
        assert slow_pull.returncode == 0, f"{output}\n{daemon.log_tail()}"
        assert_served_intact(daemon, Q05, LFS_FILE)
        assert_served_intact(daemon, Q7, "model-00001-of-00006.safetensors")
    finally:
        daemon.cleanup()


def test_reload_refuses_a_broken_policy_file_and_keeps_serving(fresh_hub):
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05))
    try:
        assert daemon.ctl("pull", "qwen").returncode == 0
        broken = daemon.policies_dir / "broken.toml"
        broken.write_text(policy_toml("qwen-7b", Q7) + "\n[[mirror]]\nname = \n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for_log(daemon, "reload refused")
        log = daemon.log_path.read_text()
        assert f"{broken}:" in log, f"the error does not name the file and line:\n{log}"

        assert daemon.proc.poll() is None, "the daemon died on a broken policy"
        assert listed_policies(daemon) == ["qwen"]
        still_unknown = daemon.ctl("pull", "qwen-7b")
        assert still_unknown.returncode == 4, daemon.explain(still_unknown)
        again = daemon.ctl("pull", "qwen")
        assert again.returncode == 0, daemon.explain(again)
        assert_served_intact(daemon, Q05, "config.json")

        broken.write_text(policy_toml("qwen-7b", Q7))  # fixed: the next reload takes it
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for_log(daemon, "reloaded: 2 policies")
        assert daemon.ctl("pull", "qwen-7b").returncode == 0
    finally:
        daemon.cleanup()


def test_reload_keeps_start_only_settings_and_says_so(fresh_hub):
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05))
    try:
        config = daemon.config_path.read_text()
        changed = config.replace('listen = "127.0.0.1:0"', 'listen = "127.0.0.1:1"')
        assert changed != config
        daemon.config_path.write_text(changed)
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for_log(daemon, "reloaded: 1 policies")
        log = daemon.log_path.read_text()
        assert "[server] listen changed; it takes effect after a restart" in log, log
        assert "[storage] root" not in log, log
        still_there = request(f"{daemon.public_url}/api/models/{Q05}")
        assert still_there.status == 404, still_there.describe()  # answered on the old port

        daemon.config_path.write_text(config + "\n[unknown]\n")
        daemon.proc.send_signal(signal.SIGHUP)
        wait_for_log(daemon, "reload refused")
        assert f"{daemon.config_path}:" in daemon.log_path.read_text()
        assert daemon.ctl("pull", "qwen").returncode == 0
    finally:
        daemon.cleanup()


# --- SIGTERM ---


def job_states(state_dir):
    with sqlite3.connect(f"file:{state_dir / 'catalog.db'}?mode=ro", uri=True) as db:
        return [row[0] for row in db.execute("SELECT state FROM jobs ORDER BY id")]


def assert_every_blob_matches_its_name(state_dir):
    blobs = [p for p in (state_dir / "blobs").rglob("*") if p.is_file()]
    for blob in blobs:
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == blob.name, blob
    return blobs


def test_sigterm_during_a_slow_download_stops_promptly_and_resumes_later(fresh_hub):
    fresh_hub.add_fault(kind="throttle", file=f"{Q05}/{LFS_FILE}", bytes_per_second=30_000)
    daemon = start_daemon(fresh_hub, policy_toml("qwen", Q05))
    try:
        slow_pull = start_pull(daemon, "qwen")
        wait_for_part_bytes(daemon, 30_000)
        started = time.monotonic()
        daemon.proc.send_signal(signal.SIGTERM)
        assert daemon.proc.wait(10) == 0, daemon.log_tail()
        took = time.monotonic() - started
        assert took < 5, f"took {took:.1f}s to stop"
        slow_pull.communicate(timeout=30)
        assert slow_pull.returncode != 0, "a pull cut by the stop must not report success"
        assert "pulls interrupted" in daemon.log_path.read_text()

        parts = list((daemon.state_dir / "tmp").glob("*.part"))
        assert parts and max(p.stat().st_size for p in parts) >= 30_000, parts
        assert_every_blob_matches_its_name(daemon.state_dir)
        assert job_states(daemon.state_dir)[-1] == "interrupted"

        fresh_hub.faults.clear()
        fresh_hub.faults.reset_stats()
        daemon.start()
        head = request(f"{daemon.public_url}/{Q05}/resolve/main/{LFS_FILE}", "HEAD")
        assert head.status == 404, "a half-pulled repo became visible"
        again = daemon.ctl("pull", "qwen")
        assert again.returncode == 0, daemon.explain(again)
        stats = fresh_hub.stats()["files"][f"{Q05}/{LFS_FILE}"]
        starts = [int(r[len("bytes="):].split("-")[0]) for r in stats["ranges"]
                  if r.startswith("bytes=")]
        assert any(start >= 30_000 for start in starts), f"not resumed from the .part: {stats}"
        assert stats["body_bytes"] <= LFS_SIZE - 30_000, stats
        assert_served_intact(daemon, Q05, LFS_FILE)
        assert_every_blob_matches_its_name(daemon.state_dir)
    finally:
        daemon.cleanup()
