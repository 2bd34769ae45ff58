"""`mirrorctl export` / `mirrorctl import`: signed bundles carried to a mirror that has no upstream
at all (every endpoint unreachable), served to the real clients (Hugging Face resolve, Debian's
pip, apt-get) byte for byte like the exporting mirror; incremental bundles; tampered bundles
refused whole; an import killed mid-way that resumes."""

import hashlib
import json
import shutil
import signal
import struct
import tarfile
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from apt_fixtures import HOUR, POLICY, SUITE, apt_client, apt_policy, assert_apt_gets  # noqa: F401
from apt_fixtures import upstream  # noqa: F401  (the fixture)
from fake_hf import FakeHub
from fake_pypi import FakePypi
from hf_expectations import Q05, Q7, TABLE
from mirrord_proc import TEST_POLICIES, json_output, policy_toml
from pypi_helpers import (DEBIAN_PYTHON, explain, make_test_projects, pypi_policy, run_pip,
                          sha256_file)

UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture
def workdir():
    path = Path(tempfile.mkdtemp(prefix="mirrord-bundles-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def offline_mirror(make_mirror, extra_config=""):
    """A mirror that can reach no upstream: every endpoint is a closed port, no policy."""
    return make_mirror([UNREACHABLE], "", extra_config=f'\n[upstream.pypi]\nindex = '
                       f'"{UNREACHABLE}/simple/"\n' + extra_config)


def ok(daemon, *args, timeout=300):
    result = daemon.ctl(*args, timeout=timeout)
    assert result.returncode == 0, daemon.explain(result)
    return result


def public_key(daemon, path):
    path.write_text(ok(daemon, "keys", "manifest").stdout)
    return path


def get(daemon, path):
    try:
        with urllib.request.urlopen(f"{daemon.public_url}/{path}", timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def resolve(daemon, repo, path):
    return get(daemon, f"{repo}/resolve/main/{path}")


def assert_same_hf_bytes(source, copy, repo):
    for path in TABLE[repo]:
        want = resolve(source, repo, path)
        assert want[0] == 200, (path, want[0])
        assert resolve(copy, repo, path) == want, path


def repos_of(daemon):
    listing = json_output(ok(daemon, "ls", "--json"))["repos"]
    return sorted((r["kind"], r["repo"], r["ref"], r["commit"]) for r in listing)


def test_a_tar_bundle_serves_hf_pypi_and_apt_clients_from_a_mirror_without_upstream(
        make_mirror, hub, upstream, workdir, tmp_path):  # noqa: F811
    hello = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    projects = make_test_projects()
    with FakePypi("json", projects) as pypi:
        policies = (TEST_POLICIES + "\n" + pypi_policy("pypi-test", pypi.index_url,
                                                       ["tinypkg", "tinyapp"]) + "\n"
                    + apt_policy(upstream))
        source = make_mirror([hub.url], policies)
        for target in ("qwen", "hf:" + Q7, "pypi-test", POLICY):
            ok(source, "pull", "--no-progress", target)
    bundle = workdir / "all.tar"
    exported = ok(source, "export", "qwen", "hf:" + Q7, "pypi-test", POLICY, "--to", str(bundle))
    print("\n" + exported.stdout)
    with tarfile.open(bundle) as tar:
        names = tar.getnames()
    assert names[:2] == ["index.json", "index.sig"]  # the signed index comes first
    assert names[2].startswith("records/") and names[-1].startswith("blobs/sha256/")

    copy = offline_mirror(make_mirror)
    imported = ok(copy, "import", str(bundle), "--key", str(public_key(source, tmp_path / "k.pem")))
    assert "imported bundle" in imported.stdout, copy.explain(imported)
    assert repos_of(copy) == repos_of(source)

    # Hugging Face: every file of both repos, the same bytes.
    assert_same_hf_bytes(source, copy, Q05)
    assert_same_hf_bytes(source, copy, Q7)
    # The copy re-signed the manifests with its own key: its scrub finds everything in order.
    ok(copy, "verify")
    # pip, from the copy only: the wheel and its dependency, byte for byte the source's.
    downloads = tmp_path / "downloads"
    got = run_pip(DEBIAN_PYTHON, "download", "--only-binary", ":all:", "--index-url",
                  f"{copy.public_url}/pypi/pypi-test/simple/", "-d", str(downloads), "tinyapp")
    assert got.returncode == 0, explain(got)
    upstream_files = {d.filename: d for ds in projects.values() for d in ds}
    for wheel in downloads.iterdir():  # byte for byte what the source mirrored
        assert sha256_file(wheel) == upstream_files[wheel.name].sha256, wheel.name
    assert sorted(p.name for p in downloads.iterdir()) == ["tinyapp-1.0-py3-none-any.whl",
                                                          "tinypkg-2.0-py3-none-any.whl"]
    # The PEP 658 metadata (an extra blob of the snapshot) came along.
    page = json.loads(urllib.request.urlopen(urllib.request.Request(
        f"{copy.public_url}/pypi/pypi-test/simple/tinypkg/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"}), timeout=30).read())
    wheel = next(f for f in page["files"] if f["filename"].endswith("2.0-py3-none-any.whl"))
    assert wheel.get("core-metadata"), wheel
    page_url = f"{copy.public_url}/pypi/pypi-test/simple/tinypkg/"
    metadata = urllib.request.urlopen(urllib.parse.urljoin(page_url, wheel["url"] + ".metadata"),
                                      timeout=30).read()
    assert hashlib.sha256(metadata).hexdigest() == wheel["core-metadata"]["sha256"]
    # apt-get, against the copy, with the archive's own key (verbatim mode).
    assert_apt_gets(apt_client(upstream, copy), "hello", hello)
    for name in ("InRelease", "Release"):
        assert get(copy, f"apt/{POLICY}/dists/{SUITE}/{name}") == \
            get(source, f"apt/{POLICY}/dists/{SUITE}/{name}")

    # Importing the same bundle again fetches nothing and changes nothing.
    again = json_output(ok(copy, "import", str(bundle), "--key", str(tmp_path / "k.pem"),
                           "--json"))
    assert again["state"] == "succeeded" and again["files_done"] == 0, again
    assert repos_of(copy) == repos_of(source)


def test_directory_bundles_and_incremental_bundles(make_mirror, hub, workdir, tmp_path):
    source = make_mirror([hub.url], TEST_POLICIES)
    ok(source, "pull", "--no-progress", "qwen")
    ok(source, "pull", "--no-progress", "hf:" + Q7)
    key = public_key(source, tmp_path / "k.pem")
    full = workdir / "full"
    ok(source, "export", "qwen", "--to", str(full))
    index = json.loads((full / "index.json").read_text())
    assert index["base_bundle"] == "" and index["key_id"] and len(index["records"]) == 1
    assert {b["sha256"] for b in index["blobs"]} == \
        {p.name for p in (full / "blobs" / "sha256").iterdir()}

    # The 7B repo shares its small files with the 0.5B one: only the blobs full lacks go in.
    delta = workdir / "delta"
    ok(source, "export", "qwen", "hf:" + Q7, "--to", str(delta), "--since", str(full))
    delta_index = json.loads((delta / "index.json").read_text())
    full_id = hashlib.sha256((full / "index.json").read_bytes()).hexdigest()
    assert delta_index["base_bundle"] == full_id
    full_blobs = {b["sha256"] for b in index["blobs"]}
    delta_blobs = {b["sha256"] for b in delta_index["blobs"]}
    assert delta_blobs and not delta_blobs & full_blobs
    assert len(delta_index["records"]) == 2

    copy = offline_mirror(make_mirror)
    refused = copy.ctl("import", str(delta), "--key", str(key))
    assert refused.returncode == 1, copy.explain(refused)
    assert f"import its base bundle {full_id} first" in refused.stderr, copy.explain(refused)
    assert repos_of(copy) == []

    ok(copy, "import", str(full), "--key", str(key))
    assert_same_hf_bytes(source, copy, Q05)
    assert resolve(copy, Q7, "config.json")[0] == 404
    ok(copy, "import", str(delta), "--key", str(key))
    assert_same_hf_bytes(source, copy, Q7)
    assert repos_of(copy) == repos_of(source)


def largest_blob(bundle_dir):
    return max((bundle_dir / "blobs" / "sha256").iterdir(), key=lambda p: p.stat().st_size)


def flip_byte(path, offset):
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def tampered_bundles(source, workdir):
    """(what, bundle path, fragment the refusal must name) for each kind of damage."""
    good = workdir / "good"
    ok(source, "export", "qwen", "--to", str(good))
    cases = []

    def copy_of(name):
        target = workdir / name
        shutil.copytree(good, target)
        return target

    blob = copy_of("blob")
    damaged = largest_blob(blob)
    flip_byte(damaged, 1000)
    cases.append(("a changed byte in a blob", blob, f"blob {damaged.name}"))
    record = copy_of("record")
    record_file = record / "records" / "000001.json"
    record_file.write_text(record_file.read_text().replace('"main"', '"mainx"'))
    cases.append(("a changed record", record, "records/000001 does not match"))
    signature = copy_of("signature")
    flip_byte(signature / "index.sig", 5)
    cases.append(("a bad index signature", signature, "not signed by any"))
    record_sig = copy_of("record-sig")
    flip_byte(record_sig / "records" / "000001.sig", 5)
    cases.append(("a bad record signature", record_sig, "verifies with none"))
    tar_path = workdir / "truncated.tar"
    ok(source, "export", "qwen", "--to", str(tar_path))
    size = tar_path.stat().st_size
    with open(tar_path, "r+b") as tar:
        tar.truncate(size - 150000)  # into the safetensors blob, the last member
    cases.append(("a truncated tar", tar_path, "truncated"))
    return cases


def test_tampered_bundles_are_refused_whole_and_publish_nothing(make_mirror, hub, workdir,
                                                                tmp_path):
    source = make_mirror([hub.url], TEST_POLICIES)
    ok(source, "pull", "--no-progress", "qwen")
    key = public_key(source, tmp_path / "k.pem")
    copy = offline_mirror(make_mirror)
    for what, bundle, fragment in tampered_bundles(source, workdir):
        result = copy.ctl("import", str(bundle), "--key", str(key))
        print(f"\n{what}: {result.stderr.strip()}")
        assert result.returncode == 1, (what, copy.explain(result))
        assert "refused" in result.stderr and fragment in result.stderr, (what,
                                                                         copy.explain(result))
        assert repos_of(copy) == [], what
        assert resolve(copy, Q05, "config.json")[0] == 404, what

    # A key nobody pinned: the exporting mirror's bundle is refused by a stranger.
    stranger = offline_mirror(make_mirror)
    unknown = stranger.ctl("import", str(workdir / "good"))
    assert unknown.returncode == 1 and "not signed by any" in unknown.stderr, \
        stranger.explain(unknown)
    # [import] trusted_keys pins the key in the config instead of --key.
    pinned = offline_mirror(make_mirror, f'\n[import]\ntrusted_keys = ["{key}"]\n')
    ok(pinned, "import", str(workdir / "good"))
    assert_same_hf_bytes(source, pinned, Q05)


def safetensors_of(size, seed):
    header = json.dumps({"w": {"dtype": "U8", "shape": [0], "data_offsets": [0, 0]}}).encode()
    count = size - 8 - len(header) - 32
    header = json.dumps({"w": {"dtype": "U8", "shape": [count],
                               "data_offsets": [0, count]}}).encode()
    header += b" " * (-len(header) % 8)
    body = hashlib.shake_256(seed).digest(1 << 20) * (count // (1 << 20) + 1)
    return struct.pack("<Q", len(header)) + header + body[:count]


def test_an_import_killed_mid_way_resumes(make_mirror, workdir, tmp_path):
    repos = tmp_path / "repos"
    model = repos / "big" / "model"
    model.mkdir(parents=True)
    (model / "config.json").write_text('{"model_type": "big"}\n')
    (model / "model.safetensors").write_bytes(safetensors_of(384 << 20, b"resume"))
    with FakeHub(str(repos)) as big_hub:
        source = make_mirror([big_hub.url], policy_toml("big", "big/model"))
        ok(source, "pull", "--no-progress", "big")
    bundle = workdir / "big.tar"
    ok(source, "export", "big", "--to", str(bundle))
    key = public_key(source, tmp_path / "k.pem")

    copy = offline_mirror(make_mirror)
    started = json.loads(urllib_admin_post(copy, "/v1/imports",
                                           {"from": str(bundle), "key": str(key)}))
    job_id = started["job"]["id"]
    deadline = time.time() + 120
    while time.time() < deadline:  # until the import is well into the large blob
        jobs = json_output(ok(copy, "status", "--json"))["jobs"]
        assert jobs, "the import ended before it could be killed"
        if jobs[0]["bytes_done"] >= 16 << 20:
            break
        time.sleep(0.01)
    copy.proc.send_signal(signal.SIGKILL)
    copy.proc.wait()
    parts = list((copy.state_dir / "tmp").glob("*.part"))
    assert parts, "the import was killed before it wrote anything; nothing to resume"
    kept = sum(p.stat().st_size for p in parts)
    assert resolve_after_restart(copy) == 404  # nothing was published

    result = json_output(ok(copy, "import", str(bundle), "--key", str(key), "--json"))
    assert result["state"] == "succeeded", result
    assert result["bytes_done"] <= (384 << 20) + 100 - kept, (result, kept)
    status, body = resolve(copy, "big/model", "model.safetensors")
    assert status == 200 and body == (model / "model.safetensors").read_bytes()
    print(f"\nkilled job {job_id} after {kept} bytes; the second import fetched "
          f"{result['bytes_done']} bytes")


def resolve_after_restart(daemon):
    daemon.start()
    return resolve(daemon, "big/model", "config.json")[0]


def urllib_admin_post(daemon, path, body):
    """POSTs to the admin API over its Unix socket (what mirrorctl does, without waiting)."""
    import socket
    payload = json.dumps(body).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(str(daemon.admin_socket))
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: mirrord\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(payload)}\r\nConnection: close\r\n\r\n".encode()
                     + payload)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer.split(b"\r\n\r\n", 1)[1].decode()
