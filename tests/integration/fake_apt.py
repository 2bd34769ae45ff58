"""A real signed Debian repository, built offline with Debian's own tools, served on 127.0.0.1.

- `ThrowawayKey`: an Ed25519 signing key in a private GNUPGHOME (gpg --quick-gen-key).
- `AptRepo`: tiny .deb files built with dpkg-deb, indexes and Release written by apt-ftparchive
  (with by-hash copies), Date / Valid-Until set explicitly, InRelease and Release.gpg signed with
  gpg --clearsign / --detach-sign (protocols/apt.md §7).
- `RepoServer`: a plain HTTP server over the repository directory that records every request,
  and can be stopped to play an unreachable upstream.

Test code only: shares nothing with the product.
"""

import os
import shutil
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def run(args, cwd=None, env=None, stdout=None):
    result = subprocess.run(args, cwd=cwd, env=env, stdout=stdout or subprocess.PIPE,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({result.returncode}): "
                           f"{result.stderr.decode(errors='replace')}")
    return result


def release_date(unix_seconds):
    return time.strftime("%a, %d %b %Y %H:%M:%S UTC", time.gmtime(unix_seconds))


class ThrowawayKey:
    """An Ed25519 OpenPGP key in its own GNUPGHOME; `keyring` is its binary public keyring."""

    def __init__(self, base, name):
        self.home = Path(tempfile.mkdtemp(prefix="gpg-", dir=base))
        os.chmod(self.home, 0o700)
        self.env = dict(os.environ, GNUPGHOME=str(self.home))
        run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", "",
             "--quick-gen-key", f"{name} <{name}@test.invalid>", "ed25519", "sign", "0"],
            env=self.env)
        listing = run(["gpg", "--with-colons", "--list-keys"], env=self.env).stdout.decode()
        self.fingerprint = next(line.split(":")[9] for line in listing.splitlines()
                                if line.startswith("fpr:"))
        self.keyring = Path(base) / f"{name}.gpg"
        self.keyring.write_bytes(run(["gpg", "--export", self.fingerprint], env=self.env).stdout)

    def sign(self, release, inrelease, detached):
        run(["gpg", "--batch", "--yes", "-u", self.fingerprint, "--clearsign", "-o", inrelease,
             release], env=self.env)
        run(["gpg", "--batch", "--yes", "-u", self.fingerprint, "-abs", "-o", detached, release],
            env=self.env)

    def close(self):
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class AptRepo:
    """A repository directory with one pool shared by its suites (each lists every package)."""

    def __init__(self, root, key):
        self.root = Path(root)
        self.key = key
        self.root.mkdir(parents=True, exist_ok=True)
        self.build_dir = Path(tempfile.mkdtemp(prefix="debs-", dir=self.root.parent))

    def deb_path(self, name, version, arch="all"):
        return self.root / "pool" / "main" / name[0] / name / f"{name}_{version}_{arch}.deb"

    def add_package(self, name, version="1.0", depends=None, priority="optional", arch="all",
                    payload=None, provides=None):
        """Builds a tiny real .deb with dpkg-deb and puts it into the pool."""
        tree = self.build_dir / f"{name}-{version}"
        (tree / "DEBIAN").mkdir(parents=True, exist_ok=True)
        control = (f"Package: {name}\nVersion: {version}\nArchitecture: {arch}\n"
                   f"Maintainer: Test <test@test.invalid>\nPriority: {priority}\nSection: misc\n")
        if depends:
            control += f"Depends: {depends}\n"
        if provides:
            control += f"Provides: {provides}\n"
        control += f"Description: {name} for the mirrord apt tests\n tiny package\n"
        (tree / "DEBIAN" / "control").write_text(control)
        data = tree / "usr" / "share" / "doc" / name
        data.mkdir(parents=True, exist_ok=True)
        (data / "payload").write_text(payload or f"{name} {version}\n")
        target = self.deb_path(name, version, arch)
        target.parent.mkdir(parents=True, exist_ok=True)
        run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", tree, target])
        return target

    def remove_package(self, name, version="1.0", arch="all"):
        self.deb_path(name, version, arch).unlink()

    def publish(self, suite="stable", date=None, valid_for=86400, key=None, origin="mirrord-test",
                codename=None, architectures="amd64"):
        """Writes the suite's indexes and a signed Release dated `date` (default now), valid for
        `valid_for` seconds (None: no Valid-Until)."""
        key = key or self.key
        dists = self.root / "dists" / suite
        index_dir = dists / "main" / "binary-amd64"
        index_dir.mkdir(parents=True, exist_ok=True)
        for name in ("InRelease", "Release", "Release.gpg"):
            (dists / name).unlink(missing_ok=True)
        packages = run(["apt-ftparchive", "packages", "pool"], cwd=self.root).stdout
        (index_dir / "Packages").write_bytes(packages)
        for compressor in (["xz", "-k", "-f"], ["gzip", "-k", "-f", "-n"]):
            run(compressor + [index_dir / "Packages"])
        options = {"Origin": origin, "Label": origin, "Suite": suite,
                   "Codename": codename or suite, "Architectures": architectures,
                   "Components": "main", "Acquire-By-Hash": "yes"}
        args = ["apt-ftparchive", "-o", "APT::FTPArchive::DoByHash=true"]
        for field, value in options.items():
            args += ["-o", f"APT::FTPArchive::Release::{field}={value}"]
        text = run(args + ["release", f"dists/{suite}"], cwd=self.root).stdout.decode()
        date = int(time.time()) if date is None else int(date)
        lines = [line for line in text.splitlines() if not line.startswith(("Date:", "Valid-Until:"))]
        dated = [f"Date: {release_date(date)}"]
        if valid_for is not None:
            dated.append(f"Valid-Until: {release_date(date + valid_for)}")
        (dists / "Release").write_text("\n".join(dated + lines) + "\n")
        key.sign(dists / "Release", dists / "InRelease", dists / "Release.gpg")
        return date

    def path(self, relative):
        return self.root / relative

    def index_copies(self, suite, name):
        """The canonical index file and its by-hash copies (same content), e.g. for corruption."""
        directory = self.root / "dists" / suite / "main" / "binary-amd64"
        canonical = directory / name
        content = canonical.read_bytes()
        copies = [canonical]
        for by_hash in (directory / "by-hash").glob("*/*"):
            if by_hash.read_bytes() == content:
                copies.append(by_hash)
        return copies

    def close(self):
        shutil.rmtree(self.build_dir, ignore_errors=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_HEAD(self):
        self._serve(send_body=False)

    def do_GET(self):
        self._serve(send_body=True)

    def _serve(self, send_body):
        # One request per connection: once stopped, the upstream is unreachable at once (a kept
        # connection would go on serving after the listener closed).
        self.close_connection = True
        server = self.server
        server.requests.append(self.path)
        if self.headers.get("Authorization") is not None:
            server.authorized.append(self.path)
        relative = self.path.split("?", 1)[0].lstrip("/")
        target = (server.root / relative).resolve()
        if server.root not in target.parents or not target.is_file():
            body = b"not found\n"
            self.send_response(404)
            self.send_header("Connection", "close")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body:
                self.wfile.write(body)
            return
        data = target.read_bytes()
        self.send_response(200)
        self.send_header("Connection", "close")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if send_body:
            self.wfile.write(data)


class RepoServer:
    """Serves `root` on 127.0.0.1 (port 0). `requests` lists every request path in order."""

    def __init__(self, root):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.root = Path(root).resolve()
        self.httpd.requests = []
        self.httpd.authorized = []  # paths of requests that carried an Authorization header
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    @property
    def requests(self):
        return self.httpd.requests

    @property
    def authorized(self):
        return self.httpd.authorized

    def stop(self):
        """Closes the listening socket: the upstream becomes unreachable (connection refused)."""
        if self.running:
            self.httpd.shutdown()
            self.httpd.server_close()
            self.running = False
