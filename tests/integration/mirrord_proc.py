"""Runs the real `mirrord` and `mirrorctl` binaries for the integration tests.

The binaries come from MIRRORD_BIN and MIRRORCTL_BIN (set by CTest, see tests/CMakeLists.txt).
"""

import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from hf_expectations import Q05, Q7

READY_RE = re.compile(r"^mirrord ready public=(\S+) admin=(\S+)$")
READY_TIMEOUT_S = 30

# (label, seconds) pairs that conftest prints in the run's summary.
timings = []


def record_timing(label, seconds):
    timings.append((label, seconds))


# Sections of result lines that conftest prints in the run's summary: title -> lines.
report_sections = {}


def report_line(section, line):
    report_sections.setdefault(section, []).append(line)


def _die_with_parent():
    """Runs in the child before exec: a pytest that is killed takes its daemons with it."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def binary(env_name):
    path = os.environ.get(env_name)
    if not path:
        raise RuntimeError(f"{env_name} is not set: run through ctest, or export {env_name}="
                           "/path/to/the/built/binary")
    if not os.access(path, os.X_OK):
        raise RuntimeError(f"{env_name}={path} is not an executable file")
    return path


def toml_str(value):
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def policy_toml(name, repo, aliases=(), revision="main", include=(), exclude=()):
    return (
        "[[mirror]]\n"
        f"name = {toml_str(name)}\n"
        f"aliases = [{', '.join(toml_str(a) for a in aliases)}]\n"
        'source = "hf"\n'
        f"repo = {toml_str(repo)}\n"
        f"revision = {toml_str(revision)}\n"
        f"include = [{', '.join(toml_str(p) for p in include)}]\n"
        f"exclude = [{', '.join(toml_str(p) for p in exclude)}]\n"
    )


# The policies dir of the test daemons: one policy per Qwen repo, each with an alias.
TEST_POLICIES = (policy_toml("qwen", Q05, aliases=["qwen2.5"]) + "\n"
                 + policy_toml("qwen-7b", Q7, aliases=["qwen2.5-7b"]))


def config_toml(state_dir, policies_dir, endpoints, token_file=""):
    return (
        "[server]\n"
        'listen = "127.0.0.1:0"\n'
        'public_url = ""\n'
        f"admin_socket = {toml_str(Path(state_dir) / 'admin.sock')}\n"
        "\n[storage]\n"
        f"root = {toml_str(state_dir)}\n"
        "\n[policies]\n"
        f"dir = {toml_str(policies_dir)}\n"
        "include_catalog = false\n"
        "\n[upstream.hf]\n"
        f"endpoints = [{', '.join(toml_str(e) for e in endpoints)}]\n"
        f"token_file = {toml_str(token_file)}\n"
    )


class Mirrord:
    """One mirrord process with its own state dir (short, under /tmp: the admin socket path must
    fit in sun_path)."""

    def __init__(self, endpoints, policies_text, token=None, extra_config=""):
        self.base = Path(tempfile.mkdtemp(prefix="mirrord-it-"))
        self.state_dir = self.base / "state"
        self.policies_dir = self.base / "policies"
        self.state_dir.mkdir()
        self.policies_dir.mkdir()
        (self.policies_dir / "test.toml").write_text(policies_text)
        token_file = ""
        if token is not None:
            token_file = self.base / "hf-token"
            token_file.write_text(token + "\n")
        self.config_path = self.base / "mirrord.toml"
        self.config_path.write_text(
            config_toml(self.state_dir, self.policies_dir, endpoints, token_file) + extra_config)
        self.log_path = self.base / "mirrord.log"
        self.proc = None
        self.public_url = None
        self.admin_socket = None
        self.ready_line = None
        self.env = None  # extra environment variables of the daemon (NOTIFY_SOCKET, ...)
        self.args = []  # extra command-line arguments of the daemon (--offline, ...)

    def start(self):
        try:
            return self._start()
        except BaseException:
            self.cleanup()  # the error says why; leave no temp dir or process behind
            raise

    def _start(self):
        self.ready_line = None  # a restart waits for the new process's line
        log = open(self.log_path, "wb")
        command = [binary("MIRRORD_BIN"), "--config", str(self.config_path), *self.args]
        self.proc = subprocess.Popen(command,
                                     stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL,
                                     preexec_fn=_die_with_parent,
                                     env={**os.environ, **self.env} if self.env else None)
        log.close()
        lines = []
        reader = threading.Thread(target=self._read_stdout, args=(lines,), daemon=True)
        reader.start()
        deadline = time.time() + READY_TIMEOUT_S
        while time.time() < deadline and self.ready_line is None and self.proc.poll() is None:
            time.sleep(0.02)
        if self.ready_line is None:
            raise RuntimeError(f"mirrord did not print its ready line within {READY_TIMEOUT_S}s "
                               f"(exit {self.proc.returncode}); stdout: {lines!r}\n"
                               f"log:\n{self.log_tail()}")
        return self

    def _read_stdout(self, lines):
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            lines.append(line)
            match = READY_RE.match(line)
            if match and self.ready_line is None:
                self.public_url, self.admin_socket = match.group(1), match.group(2)
                self.ready_line = line

    def stop(self, timeout=15):
        """SIGTERM, then wait; returns the exit status (SIGKILL after `timeout`)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def ctl(self, *args, timeout=120):
        return mirrorctl(self.admin_socket, *args, timeout=timeout)

    def explain(self, result):
        """Context for an assertion message about a mirrorctl run."""
        return (f"$ mirrorctl {' '.join(result.args[3:])}\nexit {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
                f"mirrord log (tail):\n{self.log_tail()}")


def mirrorctl(socket_path, *args, timeout=120):
    return subprocess.run([binary("MIRRORCTL_BIN"), "--socket", str(socket_path), *args],
                          capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def json_output(result):
    """The JSON document a `--json` command printed on stdout (the whole of it, or its last line)."""
    text = result.stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(text.splitlines()[-1])


def find_job(document):
    """The Job object in a `pull --json` answer: the document itself, or its "job" member."""
    if isinstance(document, dict) and "state" in document:
        return document
    if isinstance(document, dict) and isinstance(document.get("job"), dict):
        return document["job"]
    raise AssertionError(f"no Job object (with a 'state') in {document!r}")
