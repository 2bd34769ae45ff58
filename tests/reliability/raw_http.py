"""Raw HTTP/1.1 over a socket, for requests no well-behaved client library would send."""

import re
import socket
import time
import urllib.parse
from dataclasses import dataclass

STATUS_LINE = re.compile(rb"HTTP/1\.[01] (\d{3}) ")


@dataclass
class Exchange:
    data: bytes          # everything the server sent
    closed: bool         # the server closed (or reset) the connection

    @property
    def statuses(self):
        """Status codes of every response in `data` (status lines at the start of a message)."""
        found, offset = [], 0
        while True:
            match = STATUS_LINE.match(self.data, offset)
            if not match:
                return found
            found.append(int(match.group(1)))
            head_end = self.data.find(b"\r\n\r\n", offset)
            if head_end < 0:
                return found
            length = re.search(rb"(?im)^content-length:\s*(\d+)", self.data[offset:head_end])
            offset = head_end + 4 + (int(length.group(1)) if length else 0)

    @property
    def status(self):
        statuses = self.statuses
        return statuses[0] if statuses else None


def host_port(url):
    parts = urllib.parse.urlsplit(url)
    return parts.hostname, parts.port


def connect(url, timeout=5):
    sock = socket.create_connection(host_port(url), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def read_until_closed(sock, timeout, max_bytes=8 << 20):
    """What the server sends until it closes the connection, `timeout` seconds pass, or
    `max_bytes` have come (then `closed` is False)."""
    chunks, size = [], 0
    deadline = time.monotonic() + timeout
    closed = False
    while time.monotonic() < deadline and size < max_bytes:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        except (ConnectionResetError, BrokenPipeError):
            closed = True
            break
        if not chunk:
            closed = True
            break
        chunks.append(chunk)
        size += len(chunk)
    return Exchange(b"".join(chunks), closed)


def exchange(url, raw, timeout=5, max_bytes=8 << 20):
    """Sends `raw` bytes on a new connection and reads until the server closes it."""
    with connect(url, timeout) as sock:
        try:
            sock.sendall(raw)
        except (ConnectionResetError, BrokenPipeError):
            pass  # the server may refuse before reading everything we send
        return read_until_closed(sock, timeout, max_bytes)


def get(target, headers=(), method="GET"):
    """The bytes of a request without a body."""
    lines = [f"{method} {target} HTTP/1.1", "Host: mirror"] + [f"{k}: {v}" for k, v in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
