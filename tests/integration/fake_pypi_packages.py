"""Distributions served by the fake PyPI upstreams: real wheels Debian ships
(python3-pip-whl, python3-setuptools-whl) and small packages built here, as real wheels (ZIP with a
.dist-info: METADATA, WHEEL, RECORD with hashes) and a real sdist (tar.gz with PKG-INFO and a
setup.py), so that pip can download, verify and install them."""

import base64
import hashlib
import io
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_WHEELS = Path("/usr/share/python-wheels")


@dataclass
class Dist:
    filename: str
    data: bytes
    requires_python: str = ""
    yanked: object = None  # None, True, or a reason string
    upload_time: str = ""
    metadata: bytes = b""  # the wheel's METADATA, for checking what the mirror serves

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Project:
    name: str
    dists: list = field(default_factory=list)


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def metadata_text(name, version, requires_python="", requires=()):
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
             "Summary: a package made for the mirrord tests"]
    if requires_python:
        lines.append(f"Requires-Python: {requires_python}")
    lines += [f"Requires-Dist: {requirement}" for requirement in requires]
    return ("\n".join(lines) + "\n\nmirrord test package\n").encode()


def build_wheel(name, version, requires_python="", requires=(), module_body=None):
    """A pure-Python wheel of `name` holding module `name` with VERSION = `version`."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = metadata_text(name, version, requires_python, requires)
    files = {
        f"{name}/__init__.py": (module_body or f'VERSION = "{version}"\n').encode(),
        f"{dist_info}/METADATA": metadata,
        f"{dist_info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: mirrord-tests\n"
                              b"Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [_record_line(path, data) for path, data in files.items()]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            archive.writestr(info, data)
    filename = f"{name}-{version}-py3-none-any.whl"
    return Dist(filename, buffer.getvalue(), requires_python, metadata=metadata)


def build_sdist(name, version):
    """An sdist that setuptools can build: PKG-INFO, setup.py and the module."""
    root = f"{name}-{version}"
    files = {
        f"{root}/PKG-INFO": metadata_text(name, version),
        f"{root}/setup.py": (f"from setuptools import setup\n"
                             f"setup(name={name!r}, version={version!r}, packages=[{name!r}])\n"
                             ).encode(),
        f"{root}/{name}/__init__.py": f'VERSION = "{version}"\n'.encode(),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            info.mtime = 1704067200
            archive.addfile(info, io.BytesIO(data))
    return Dist(f"{name}-{version}.tar.gz", buffer.getvalue())


def debian_wheel(prefix):
    """The wheel Debian ships whose file name starts with `prefix` (e.g. "pip-")."""
    matches = sorted(DEBIAN_WHEELS.glob(prefix + "*.whl"))
    if not matches:
        raise FileNotFoundError(f"no {prefix}*.whl in {DEBIAN_WHEELS}: install python3-pip-whl "
                                "and python3-setuptools-whl")
    path = matches[-1]
    with zipfile.ZipFile(path) as archive:
        metadata = next(archive.read(n) for n in archive.namelist()
                        if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
    return Dist(path.name, path.read_bytes(), ">=3.7", metadata=metadata)
