"""A fake hub over TLS, with certificates minted for the test by the openssl command line: a test
CA, a server certificate for the right name (IP 127.0.0.1) and one for a wrong name."""

import ssl
import subprocess
import threading
from pathlib import Path

import fake_hf
from fake_hf import FakeHub


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def mint_certificates(directory):
    """Writes ca.pem, right.pem/right.key (SAN IP:127.0.0.1) and wrong.pem/wrong.key
    (SAN DNS:wrong.example) under `directory`; returns it as a Path."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=mirrord test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign", cwd=d)
    for name, san in (("right", "IP:127.0.0.1"), ("wrong", "DNS:wrong.example")):
        _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}", cwd=d)
        (d / f"{name}.ext").write_text(f"subjectAltName={san}\nbasicConstraints=CA:FALSE\n"
                                       "extendedKeyUsage=serverAuth\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out",
                 f"{name}.pem", cwd=d)
    return d


class TlsHub(FakeHub):
    """FakeHub whose hub and CDN listeners speak TLS with `cert`/`key`."""

    def __init__(self, repos_dir, cert, key, **kwargs):
        super().__init__(repos_dir, **kwargs)
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(str(cert), str(key))

    def start(self):
        self._listeners = [fake_hf._Listener(self, False), fake_hf._Listener(self, True)]
        for listener in self._listeners:
            listener.socket = self.context.wrap_socket(listener.socket, server_side=True)
            threading.Thread(target=listener.serve_forever, args=(0.05,), daemon=True).start()
        return self

    @property
    def url(self):
        return f"https://127.0.0.1:{self.port}"

    @property
    def cdn_url(self):
        return f"https://127.0.0.1:{self._listeners[1].server_address[1]}"
