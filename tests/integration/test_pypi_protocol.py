"""What mirrord's PyPI routes answer on the wire (protocols/pypi.md §2-§7 and the checklist of §12),
including what uv needs. uv itself cannot be installed on this machine (it comes only from PyPI),
so its protocol needs are checked directly: its Accept header, PEP 691 JSON with upload-time,
core-metadata whose .metadata file matches its hash, and HEAD plus suffix ranges on wheels (how
uv reads a wheel's ZIP central directory)."""

import hashlib
import json
import struct
import urllib.parse

import pytest

from fake_pypi import FakePypi
from http_util import request
from pypi_helpers import make_test_projects, pypi_policy, start_mirror

PIP_ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html; q=0.1, "
              "text/html; q=0.01")
UV_ACCEPT = ("application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
             "text/html;q=0.01")


@pytest.fixture(scope="module")
def served():
    """(mirror, upstream) with the test projects pulled from a JSON upstream into root "pypi-test"."""
    daemons = []
    with FakePypi("json", make_test_projects()) as upstream:
        daemon = start_mirror(daemons, pypi_policy("pypi-test", upstream.index_url,
                                                   ["pip", "tinypkg"], versions=">=2.0"))
        result = daemon.ctl("pull", "--no-progress", "pypi-test", timeout=300)
        assert result.returncode == 0, daemon.explain(result)
        yield daemon, upstream
    for daemon in daemons:
        daemon.cleanup()


def page(served, path, accept=None):
    daemon, _ = served
    headers = {"Accept": accept} if accept is not None else {}
    return request(f"{daemon.public_url}/pypi/pypi-test/simple/{path}", headers=headers)


@pytest.mark.parametrize("accept,expected", [
    (PIP_ACCEPT, "application/vnd.pypi.simple.v1+json"),
    (UV_ACCEPT, "application/vnd.pypi.simple.v1+json"),
    ("application/vnd.pypi.simple.latest+json", "application/vnd.pypi.simple.v1+json"),
    ("application/vnd.pypi.simple.v1+html", "application/vnd.pypi.simple.v1+html"),
    ("text/html", "text/html"),
    ("*/*", "text/html"),
    (None, "text/html"),
])
def test_negotiation(served, accept, expected):
    response = page(served, "tinypkg/", accept)
    assert response.status == 200, response.describe()
    assert response.header("Content-Type") == expected
    assert response.header("Vary") == "Accept"
    assert response.header("ETag") == '"' + hashlib.sha256(response.body).hexdigest() + '"'


def test_not_acceptable_and_redirects(served):
    refused = page(served, "tinypkg/", "application/xml")
    assert refused.status == 406
    assert refused.header("Vary") == "Accept"
    slashless = page(served, "tinypkg")
    assert (slashless.status, slashless.header("Location")) == (301, "tinypkg/")
    unnormalized = page(served, "TinyPkg/")
    assert (unnormalized.status, unnormalized.header("Location")) == (301, "../tinypkg/")
    assert page(served, "absent/").status == 404


def test_json_page_shape(served):
    daemon, upstream = served
    document = json.loads(page(served, "tinypkg/", UV_ACCEPT).body)
    assert document["meta"] == {"api-version": "1.1"}
    assert document["name"] == "tinypkg"
    assert document["versions"] == ["2.0"]
    assert "dist-info-metadata" not in json.dumps(document)
    by_name = {f["filename"]: f for f in document["files"]}
    assert sorted(by_name) == ["tinypkg-2.0-py3-none-any.whl", "tinypkg-2.0.tar.gz"]
    expected = {d.filename: d for d in upstream.projects["tinypkg"]}
    for name, entry in by_name.items():
        assert entry["hashes"] == {"sha256": expected[name].sha256}
        assert entry["size"] == len(expected[name].data)
        assert entry["url"].startswith("../../files/tinypkg/"), entry["url"]
        assert "127.0.0.1:" not in entry["url"]  # never an upstream URL
        assert all(value != "" for value in entry.values())
    wheel = by_name["tinypkg-2.0-py3-none-any.whl"]
    assert wheel["upload-time"] == "2024-03-04T05:06:07Z"  # uv's exclude-newer needs it
    assert wheel["requires-python"] == ">=3.7"
    assert "core-metadata" in wheel and "core-metadata" not in by_name["tinypkg-2.0.tar.gz"]
    index = json.loads(page(served, "", PIP_ACCEPT).body)
    assert index["projects"] == [{"name": "pip"}, {"name": "tinypkg"}]


def file_url(served, entry):
    """The file's absolute URL, resolved against its page as clients do."""
    daemon, _ = served
    return urllib.parse.urljoin(f"{daemon.public_url}/pypi/pypi-test/simple/tinypkg/", entry["url"])


def test_core_metadata_matches_its_hash(served):
    _, upstream = served
    document = json.loads(page(served, "tinypkg/", UV_ACCEPT).body)
    wheel = next(f for f in document["files"] if f["filename"].endswith(".whl"))
    metadata = request(file_url(served, wheel) + ".metadata")
    assert metadata.status == 200
    assert hashlib.sha256(metadata.body).hexdigest() == wheel["core-metadata"]["sha256"]
    assert metadata.body == upstream.projects["tinypkg"][1].metadata  # the wheel's own bytes
    html = page(served, "tinypkg/", "text/html").body.decode()
    assert f'data-core-metadata="sha256={wheel["core-metadata"]["sha256"]}"' in html
    assert "data-dist-info-metadata" not in html


def test_files_head_and_ranges_as_uv_reads_them(served):
    document = json.loads(page(served, "tinypkg/", UV_ACCEPT).body)
    wheel = next(f for f in document["files"] if f["filename"].endswith(".whl"))
    url = file_url(served, wheel)
    full = request(url)
    head = request(url, method="HEAD")
    assert full.status == head.status == 200
    assert int(head.header("Content-Length")) == len(full.body) == wheel["size"]
    assert head.header("Accept-Ranges") == "bytes"
    # The end-of-central-directory record of the ZIP, by a suffix range.
    tail = request(url, headers={"Range": "bytes=-22"})
    assert tail.status == 206, tail.describe()
    assert tail.header("Content-Range") == f"bytes {wheel['size'] - 22}-{wheel['size'] - 1}/{wheel['size']}"
    assert tail.body[:4] == b"PK\x05\x06"
    cd_size, cd_offset = struct.unpack("<II", tail.body[12:20])
    directory = request(url, headers={"Range": f"bytes={cd_offset}-{cd_offset + cd_size - 1}"})
    assert directory.status == 206 and directory.body[:4] == b"PK\x01\x02"
    assert request(url, headers={"Range": "bytes=0-1023"}).status == 206
    past = request(url, headers={"Range": f"bytes={wheel['size']}-"})
    assert past.status == 416
    assert past.header("Content-Range") == f"bytes */{wheel['size']}"


def test_files_are_served_only_as_the_page_lists_them(served):
    daemon, _ = served
    base = f"{daemon.public_url}/pypi/pypi-test/files/tinypkg"
    document = json.loads(page(served, "tinypkg/", UV_ACCEPT).body)
    wheel = next(f for f in document["files"] if f["filename"].endswith(".whl"))
    digest = wheel["hashes"]["sha256"]
    assert request(f"{base}/{'0' * 64}/{wheel['filename']}").status == 404
    assert request(f"{base}/{digest}/tinypkg-2.0.tar.gz").status == 404
    assert request(f"{base}/{digest}/..%2F..%2Fcatalog.db").status == 404
    assert request(f"{base}/{digest}/{wheel['filename']}", method="POST").status == 405
