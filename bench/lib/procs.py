"""Processes the benchmarks run: nginx (the reference server and the loopback upstream) and mirrord.

Both run as ordinary child processes of the benchmark with their own temporary configuration on
127.0.0.1; nothing here touches a system service. Stdlib only.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
READY_RE = re.compile(r"^mirrord ready public=(\S+) admin=(\S+)$")


def free_port():
    """A TCP port that was free a moment ago (nginx cannot report a port 0 binding)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_binary(env_name, relative):
    """The binary named by env_name, else <build dir>/relative (MIRRORD_BUILD_DIR or build-bench)."""
    path = os.environ.get(env_name)
    if not path:
        build = Path(os.environ.get("MIRRORD_BUILD_DIR", REPO_ROOT / "build-bench"))
        if not build.is_absolute():
            build = REPO_ROOT / build
        path = str(build / relative)
    if not os.access(path, os.X_OK):
        raise SystemExit(f"{path} is not an executable: run bench/build.sh first "
                         f"or set {env_name}")
    return path


def mirrord_bin():
    return find_binary("MIRRORD_BIN", "daemon/mirrord")


def mirrorctl_bin():
    return find_binary("MIRRORCTL_BIN", "cli/mirrorctl")


def wait_for_port(port, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def cpu_seconds(pid):
    """User + system CPU seconds of a process and its reaped children, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_kib(pid):
    """{'VmRSS': KiB, 'VmHWM': KiB} of a process."""
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0])
    return out


class Nginx:
    """nginx with a private prefix: `root` served as static files on 127.0.0.1:<port>."""

    def __init__(self, workdir, root, workers=2, access_log=False, extra_http=""):
        self.dir = Path(workdir)
        self.root = Path(root)
        self.workers = workers
        self.access_log = self.dir / "access.log" if access_log else None
        self.extra_http = extra_http
        self.port = None
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def _config(self):
        temp = self.dir / "temp"
        temp.mkdir(parents=True, exist_ok=True)
        # As root, workers would switch to an unprivileged user that cannot read a private dir.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        log = f"access_log {self.access_log};" if self.access_log else "access_log off;"
        paths = "".join(f"{kind}_temp_path {temp / kind};\n"
                        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        return (
            f"{user}worker_processes {self.workers};\n"
            f"pid {self.dir / 'nginx.pid'};\n"
            f"error_log {self.dir / 'error.log'} warn;\n"
            "events { worker_connections 4096; }\n"
            "http {\n"
            f"  {log}\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000;\n"
            "  default_type application/octet-stream;\n"
            f"{paths}{self.extra_http}"
            f"  server {{ listen 127.0.0.1:{self.port}; root {self.root}; }}\n"
            "}\n")

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        for _ in range(5):
            self.port = free_port()
            conf = self.dir / "nginx.conf"
            conf.write_text(self._config())
            self.proc = subprocess.Popen(
                ["nginx", "-c", str(conf), "-p", str(self.dir), "-e", str(self.dir / "error.log"),
                 "-g", "daemon off;"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            try:
                wait_for_port(self.port, timeout=5)
                return self
            except RuntimeError:
                self.stop()  # the port was taken meanwhile: try another
        raise RuntimeError(f"nginx did not start; see {self.dir / 'error.log'}")

    def stop(self):
        stop_process(self.proc, signal.SIGQUIT, 10)  # graceful: finish requests, then exit
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def stop_process(proc, signum, grace_seconds):
    """Sends `signum` to a running `proc` and waits; kills it after `grace_seconds`."""
    if proc and proc.poll() is None:
        proc.send_signal(signum)
        try:
            proc.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def toml_str(value):
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


class Mirrord:
    """One mirrord with its state under `state_dir`, listening on 127.0.0.1 port 0."""

    def __init__(self, state_dir, endpoints=("http://127.0.0.1:9",), policies="",
                 threads=2, parallel_files=4, log_path=None):
        self.state = Path(state_dir)
        self.state.mkdir(parents=True, exist_ok=True)
        policies_dir = self.state.parent / (self.state.name + "-policies")
        policies_dir.mkdir(exist_ok=True)
        (policies_dir / "bench.toml").write_text(policies)
        self.config = self.state.parent / (self.state.name + ".toml")
        self.config.write_text(
            "[server]\nlisten = \"127.0.0.1:0\"\npublic_url = \"\"\n"
            f"admin_socket = {toml_str(self.state / 'admin.sock')}\nthreads = {threads}\n"
            f"[storage]\nroot = {toml_str(self.state)}\n"
            f"[policies]\ndir = {toml_str(policies_dir)}\ninclude_catalog = false\n"
            f"[upstream.hf]\nendpoints = [{', '.join(toml_str(e) for e in endpoints)}]\n"
            f"[pull]\nparallel_files = {parallel_files}\n")
        # The access log (one line per request) goes to a file beside the state, as a deployment
        # writes it somewhere (journald): its cost is part of what is measured.
        self.log_path = log_path or self.state.parent / (self.state.name + ".log")
        self.proc = None
        self.url = None
        self.admin_socket = None
        self.startup_seconds = None

    def start(self, timeout=30):
        started = time.monotonic()
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen([mirrord_bin(), "--config", str(self.config)],
                                         stdout=subprocess.PIPE, stderr=log,
                                         stdin=subprocess.DEVNULL)
        ready = threading.Event()

        def read_stdout():
            for raw in self.proc.stdout:
                match = READY_RE.match(raw.decode("utf-8", "replace").strip())
                if match and not ready.is_set():
                    self.url, self.admin_socket = match.group(1), match.group(2)
                    ready.set()

        threading.Thread(target=read_stdout, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError(f"mirrord did not become ready within {timeout}s")
        self.startup_seconds = time.monotonic() - started
        return self

    @property
    def pid(self):
        return self.proc.pid

    def ctl(self, *args, timeout=3600):
        return subprocess.run([mirrorctl_bin(), "--socket", str(self.admin_socket), *args],
                              capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)

    def stop(self):
        stop_process(self.proc, signal.SIGTERM, 20)
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def remove_tree(path):
    shutil.rmtree(path, ignore_errors=True)
