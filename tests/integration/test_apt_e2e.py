"""apt end to end: a real signed repository (dpkg-deb, apt-ftparchive, gpg) on 127.0.0.1, mirrored
by `mirrorctl pull`, then used by the real apt-get in an isolated configuration with only a
sources.list line (or a deb822 .sources file) pointing at the mirror.
"""

import hashlib
import json
import time

from apt_fixtures import (HOUR, POLICY, SUITE, apt_client, assert_apt_gets, get,  # noqa: F401
                          make_apt_mirror, mirror_url, pull_ok, upstream)
from apt_isolated import explain
from fake_apt import release_date
from mirrord_proc import record_timing


def test_verbatim_mirror_serves_upstream_bytes_to_apt(upstream, make_apt_mirror):
    hello = upstream.repo.add_package("hello", "1.0")
    upstream.repo.add_package("world", "2.1", depends="hello")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim")
    seconds = pull_ok(mirror)
    record_timing("apt: first pull of the test repository (verbatim)", seconds)

    # Verbatim: the upstream's signed files byte for byte.
    for name in ("InRelease", "Release", "Release.gpg"):
        status, body = get(mirror, f"dists/{SUITE}/{name}")
        assert status == 200
        assert body == upstream.repo.path(f"dists/{SUITE}/{name}").read_bytes()
    # Indexes were fetched by-hash, as the Release offers.
    assert any("/by-hash/SHA256/" in path for path in upstream.server.requests)

    client = apt_client(upstream, mirror)
    update, download = assert_apt_gets(client, "hello", hello)
    print("\n" + explain(update) + "\n" + explain(download))
    # apt asked the mirror for the index by-hash, as the Release offers.
    assert f"method=GET target=/apt/{POLICY}/dists/{SUITE}/main/binary-amd64/by-hash/" in \
        mirror.log_path.read_text()

    # The deb822 form of the same source works too.
    other = upstream.client()
    other.set_deb822_source(mirror_url(mirror), SUITE, [upstream.key.keyring])
    assert_apt_gets(other, "world", upstream.repo.deb_path("world", "2.1"))

    listing = json.loads(mirror.ctl("ls", "--json").stdout)
    repo = next(r for r in listing["repos"] if r["kind"] == "apt")
    assert repo["repo"] == POLICY and repo["ref"] == "current"


def test_the_hugging_face_token_never_reaches_an_apt_upstream(upstream, make_apt_mirror):
    upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim", token="hf_secret_for_the_hub_only")
    pull_ok(mirror)
    assert upstream.server.requests, "the pull fetched nothing"
    assert upstream.server.authorized == []


def test_second_pull_of_an_unchanged_upstream_changes_nothing(upstream, make_apt_mirror):
    upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim")
    pull_ok(mirror)
    first = json.loads(mirror.ctl("ls", "--json").stdout)["repos"]
    requests_before = len(upstream.server.requests)
    seconds = pull_ok(mirror)
    record_timing("apt: pull of an unchanged upstream (verbatim)", seconds)
    assert json.loads(mirror.ctl("ls", "--json").stdout)["repos"] == first
    # Only the Release files were asked for again: indexes and packages came from the store.
    again = upstream.server.requests[requests_before:]
    assert all(f"/dists/{SUITE}/" in path and "by-hash" not in path for path in again), again


def test_resigned_mirror_works_with_the_mirror_key(upstream, make_apt_mirror):
    hello = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=2 * HOUR)
    mirror = make_apt_mirror("resign", "resign_valid_days = 7\n")
    before = int(time.time())
    seconds = pull_ok(mirror)
    record_timing("apt: first pull of the test repository (resign)", seconds)

    exported = mirror.ctl("keys", "export")
    assert exported.returncode == 0, mirror.explain(exported)
    assert exported.stdout.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")

    status, inrelease = get(mirror, f"dists/{SUITE}/InRelease")
    assert status == 200
    assert inrelease != upstream.repo.path(f"dists/{SUITE}/InRelease").read_bytes()
    text = inrelease.decode()
    for field in ("Origin: mirrord-test", "Label: mirrord-test", f"Suite: {SUITE}",
                  f"Codename: {SUITE}"):
        assert field + "\n" in text
    # A fresh Date, and the mirror's own Valid-Until, a week later.
    date_line = next(line for line in text.splitlines() if line.startswith("Date: "))
    assert date_line[6:] in {release_date(t) for t in range(before, int(time.time()) + 2)}
    assert "Valid-Until: " in text
    # The upstream's checksum lines are kept.
    upstream_release = upstream.repo.path(f"dists/{SUITE}/Release").read_text()
    sha256 = upstream_release[upstream_release.index("SHA256:"):upstream_release.index("SHA512:")]
    assert sha256 in text

    mirror_key = upstream.client().keyring_path("mirror.asc", exported.stdout)
    client = apt_client(upstream, mirror, [mirror_key])
    update, download = assert_apt_gets(client, "hello", hello)
    print("\n" + explain(update) + "\n" + explain(download))

    # Both keyrings in signed-by (the setup that survives a switch between modes).
    both = apt_client(upstream, mirror, [upstream.key.keyring, mirror_key])
    assert_apt_gets(both, "hello", hello)

    # A client that trusts only the upstream key refuses the re-signed Release.
    upstream_only = apt_client(upstream, mirror, [upstream.key.keyring])
    refused = upstream_only.update()
    assert refused.returncode != 0 or "NO_PUBKEY" in refused.stdout + refused.stderr
    assert "is not signed" in refused.stdout + refused.stderr, explain(refused)


def test_partial_mirror_keeps_the_listed_packages_and_their_dependencies(upstream,
                                                                        make_apt_mirror):
    app = upstream.repo.add_package("app", "1.0", depends="libmissing | libfoo, mail-agent")
    libfoo = upstream.repo.add_package("libfoo", "1.0", depends="libbase (>= 1)")
    libbase = upstream.repo.add_package("libbase", "1.0")
    upstream.repo.add_package("libother", "1.0")  # the alternative not taken
    mta = upstream.repo.add_package("tiny-mta", "1.0", provides="mail-agent")  # virtual
    required = upstream.repo.add_package("essential-tool", "1.0", priority="required")
    unrelated = upstream.repo.add_package("unrelated", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim", 'packages = ["app"]\npriorities = ["required"]\n'
                                         "dependencies = true\n")
    pull_ok(mirror)
    for deb in (app, libfoo, libbase, mta, required):
        status, body = get(mirror, str(deb.relative_to(upstream.repo.root)))
        assert status == 200 and body == deb.read_bytes(), deb.name
    for deb in (unrelated, upstream.repo.deb_path("libother", "1.0")):
        assert get(mirror, str(deb.relative_to(upstream.repo.root)))[0] == 404, deb.name
    client = apt_client(upstream, mirror)
    assert_apt_gets(client, "app", app)
    assert client.download("libbase").returncode == 0
    missing = client.download("unrelated")
    assert missing.returncode != 0 and "404" in missing.stdout + missing.stderr, explain(missing)


def test_a_new_generation_switches_atomically_and_keeps_the_old_files(upstream, make_apt_mirror):
    old = upstream.repo.add_package("hello", "1.0")
    old_bytes = old.read_bytes()
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    old_packages = upstream.repo.path(f"dists/{SUITE}/main/binary-amd64/Packages.xz").read_bytes()
    mirror = make_apt_mirror("verbatim")
    pull_ok(mirror)
    early = apt_client(upstream, mirror)
    assert early.update().returncode == 0

    upstream.repo.remove_package("hello", "1.0")
    new = upstream.repo.add_package("hello", "2.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR / 2)
    pull_ok(mirror)

    # New clients see generation 2 only.
    assert get(mirror, f"dists/{SUITE}/InRelease")[1] == upstream.repo.path(
        f"dists/{SUITE}/InRelease").read_bytes()
    assert_apt_gets(apt_client(upstream, mirror), "hello", new)
    # A client that read generation 1 just before the switch still gets its files: the old
    # Packages by-hash, and the old package file.
    old_hash = hashlib.sha256(old_packages).hexdigest()
    status, body = get(mirror, f"dists/{SUITE}/main/binary-amd64/by-hash/SHA256/{old_hash}")
    assert status == 200 and body == old_packages
    download = early.download("hello")
    assert download.returncode == 0, explain(download)
    assert (early.base / "downloads" / old.name).read_bytes() == old_bytes


def test_sync_of_a_larger_repository_reports_sizes_and_times(upstream, make_apt_mirror):
    import os
    debs = [upstream.repo.add_package(f"pkg{i:03d}", "1.0", payload=os.urandom(24 * 1024).hex())
            for i in range(120)]
    upstream.repo.publish(SUITE, date=time.time() - HOUR)
    mirror = make_apt_mirror("verbatim")
    seconds = pull_ok(mirror)
    repo = next(r for r in json.loads(mirror.ctl("ls", "--json").stdout)["repos"]
                if r["kind"] == "apt")
    upstream_bytes = sum(deb.stat().st_size for deb in debs)
    record_timing(f"apt: first pull, {len(debs)} packages, {upstream_bytes} bytes of .deb, "
                  f"{repo['files']} files / {repo['bytes']} bytes published", seconds)
    assert repo["bytes"] > upstream_bytes
    record_timing("apt: pull of the same upstream again", pull_ok(mirror))
    upstream.repo.remove_package("pkg000", "1.0")
    upstream.repo.add_package("pkg000", "1.1")
    upstream.repo.publish(SUITE, date=time.time() - HOUR / 2)
    record_timing("apt: pull after one package changed", pull_ok(mirror))
    client = apt_client(upstream, mirror)
    assert_apt_gets(client, "pkg119", debs[-1])
    assert_apt_gets(client, "pkg000", upstream.repo.deb_path("pkg000", "1.1"))
