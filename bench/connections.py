#!/usr/bin/env python3
"""Target 4: connections. 2,000 idle keep-alive connections (each has made one request) plus 200
slow downloads (clients with a small receive buffer reading a few KiB at a time) held open by a
helper process, while this process sends paced HEAD requests on a resolve URL over one keep-alive
connection. Prints mirrord's RSS (current and peak) and the HEAD latency percentiles."""

import argparse
import selectors
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "lib"))

import hfgen  # noqa: E402
from measure import header, value_line  # noqa: E402
from procs import Mirrord, memory_kib  # noqa: E402
from workspace import MIB, Scratch, parser, size_arg  # noqa: E402

REPO = "bench/conns"


def connect(port, rcvbuf=None):
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect(("127.0.0.1", port))
    return sock


def read_head(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise ConnectionError("closed before the end of the response head")
        data += chunk
    return data


def hold(port, idle, slow, slow_path):
    """Helper process: opens the connections, prints 'ready', reads slowly until stdin closes."""
    idle_socks = []
    for _ in range(idle):
        sock = connect(port)
        sock.sendall(b"HEAD /healthz HTTP/1.1\r\nHost: bench\r\n\r\n")
        read_head(sock)
        idle_socks.append(sock)
    slow_socks = []
    for _ in range(slow):
        sock = connect(port, rcvbuf=16 << 10)
        sock.sendall(f"GET {slow_path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode())
        sock.setblocking(False)
        slow_socks.append(sock)
    print("ready", flush=True)
    stop = selectors.DefaultSelector()
    stop.register(sys.stdin, selectors.EVENT_READ)
    received = 0
    while not stop.select(timeout=0.1):  # ~40 KiB/s per slow client
        for sock in slow_socks:
            try:
                received += len(sock.recv(4096))
            except BlockingIOError:
                pass
    print(f"slow clients received {received} bytes", flush=True)


def probe(port, path, count, interval):
    """Paced HEAD requests on one keep-alive connection; returns sorted latencies (seconds)."""
    sock = connect(port)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = f"HEAD {path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    latencies = []
    for _ in range(count):
        started = time.perf_counter()
        sock.sendall(request)
        head = read_head(sock)
        latencies.append(time.perf_counter() - started)
        if not head.startswith(b"HTTP/1.1 200"):
            raise SystemExit(f"HEAD {path}: {head[:60]!r}")
        time.sleep(interval)
    sock.close()
    return sorted(latencies)


def percentile(sorted_values, pct):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * pct / 100))]


def main():
    p = parser(__doc__)
    p.add_argument("--idle", type=int, default=2000)
    p.add_argument("--slow", type=int, default=200)
    p.add_argument("--slow-size", type=size_arg, default=256 * MIB, help="blob the slow "
                   "clients download (default 256M)")
    p.add_argument("--probes", type=int, default=1000, help="HEAD requests (default 1000)")
    p.add_argument("--hold", nargs=3, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.hold:
        return hold(int(args.hold[0]), args.idle, args.slow, args.hold[2])
    header(f"connections: {args.idle} idle + {args.slow} slow downloads")
    scratch = Scratch(args, "connections")
    try:
        run(args, scratch)
    finally:
        scratch.cleanup()


def run(args, scratch):
    files = hfgen.materialize(scratch.data, [("config.json", "conns-config", 1024),
                                             ("slow.safetensors", "conns-slow", args.slow_size)])
    state = hfgen.init_state(scratch.path("state"))
    hfgen.add_generated_repo(state, REPO, files)
    head_path = f"/{REPO}/resolve/main/config.json"
    slow_path = f"/{REPO}/resolve/main/slow.safetensors"
    with Mirrord(state) as mirror:
        port = int(mirror.url.rsplit(":", 1)[1])
        quiet = probe(port, head_path, args.probes // 4, 0.002)
        rss_start = memory_kib(mirror.pid)["VmRSS"]
        helper = subprocess.Popen([sys.executable, __file__, "--idle", str(args.idle), "--slow",
                                   str(args.slow), "--hold", str(port), "-", slow_path],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if helper.stdout.readline().strip() != "ready":
            raise SystemExit("the connection helper failed")
        time.sleep(1)
        rss_loaded = memory_kib(mirror.pid)["VmRSS"]
        loaded = probe(port, head_path, args.probes, 0.005)
        memory = memory_kib(mirror.pid)
        helper.stdin.close()
        print("   " + helper.stdout.readline().strip())
        helper.wait()
    print(f"   RSS: {rss_start / 1024:.1f} MiB before, {rss_loaded / 1024:.1f} MiB with the "
          f"connections, {memory['VmRSS'] / 1024:.1f} MiB after the probes")
    print(f"   HEAD without load: p50 {percentile(quiet, 50) * 1e3:.3f} ms, "
          f"p99 {percentile(quiet, 99) * 1e3:.3f} ms")
    value_line("mirrord peak RSS (VmHWM)", memory["VmHWM"] / 1024, " MiB", "< 150 MiB")
    value_line("HEAD p50 under load", percentile(loaded, 50) * 1e3, " ms")
    value_line("HEAD p99 under load", percentile(loaded, 99) * 1e3, " ms", "< 10 ms")


if __name__ == "__main__":
    main()
