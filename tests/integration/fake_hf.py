#!/usr/bin/env python3
"""A fake Hugging Face hub for the integration tests: the upstream side of protocols/hf.md.

Two listeners on 127.0.0.1 (port 0): the hub (API, resolve) and a "CDN" that LFS resolves redirect to
with an absolute, signed-looking URL, as huggingface.co does. Like the real Hub it also advertises Xet
(X-Xet-Hash, Link rel="xet-auth", xetHash in tree entries), so a mirror that passes upstream data
through is caught. Faults and statistics: see fake_hf_faults.py; at run time through
POST /_control (JSON) and GET /_stats.

Standalone: python3 fake_hf.py --repos DIR [--page-size N]  (prints the hub's port, then serves)
"""

import argparse
import signal
import sys
import threading
from http.server import ThreadingHTTPServer

from fake_hf_faults import FaultBook
from fake_hf_handler import HubHandler
from fake_hf_repos import load_repos


class _Listener(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, hub, is_cdn):
        super().__init__(("127.0.0.1", 0), HubHandler)
        self.hub = hub
        self.is_cdn = is_cdn

    def handle_error(self, request, client_address):
        pass  # a client that hangs up (or a connection we drop on purpose) is not an error here


class FakeHub:
    """A running fake hub. Use as a context manager, or start()/stop()."""

    def __init__(self, repos_dir, page_size=3, xet_hints=True, faults=()):
        self.repos = load_repos(repos_dir)
        self.page_size = page_size
        self.xet_hints = xet_hints
        self.faults = FaultBook()
        for fault in faults:
            self.faults.add(fault)
        self._listeners = []

    def start(self):
        self._listeners = [_Listener(self, False), _Listener(self, True)]
        for listener in self._listeners:
            threading.Thread(target=listener.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        for listener in self._listeners:
            listener.shutdown()
            listener.server_close()
        self._listeners = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._listeners[0].server_address[1]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    @property
    def cdn_url(self):
        return f"http://127.0.0.1:{self._listeners[1].server_address[1]}"

    @property
    def host_ports(self):
        """Every "127.0.0.1:PORT" this hub answers on (what must never leak through a mirror)."""
        return [f"127.0.0.1:{listener.server_address[1]}" for listener in self._listeners]

    # Control (also reachable as POST /_control)
    def control(self, command: dict):
        if not isinstance(command, dict):
            raise ValueError("control body is a JSON object")
        if command.get("clear_faults"):
            self.faults.clear()
        if command.get("reset_stats"):
            self.faults.reset_stats()
        if "page_size" in command:
            self.page_size = int(command["page_size"])
        if "xet_hints" in command:
            self.xet_hints = bool(command["xet_hints"])
        for fault in command.get("faults", []):
            self.faults.add(fault)

    def add_fault(self, **fault):
        self.faults.add(fault)

    def stats(self):
        return self.faults.snapshot()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", required=True, help="folder of ORG/NAME repo folders")
    parser.add_argument("--page-size", type=int, default=3, help="tree entries per page; 0: all")
    parser.add_argument("--no-xet-hints", action="store_true", help="do not advertise Xet")
    args = parser.parse_args()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    hub = FakeHub(args.repos, args.page_size, not args.no_xet_hints).start()
    print(hub.port, flush=True)  # only once a SIGTERM would be handled
    stop.wait()
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
