"""What an apt sync must refuse (protocols/apt.md §4, §9), each on its own: the mirror first
publishes a good state 1, the upstream then turns hostile, the pull fails saying why, and the
mirror still serves state 1 byte for byte, which apt-get still accepts.
"""

import time

from apt_fixtures import (HOUR, SUITE, apt_client, assert_apt_gets,  # noqa: F401
                          assert_still_serves, get, make_apt_mirror, pull_ok, pull_refused,
                          upstream)
from apt_isolated import explain


def good_state(upstream, make_apt_mirror, mode="verbatim", valid_for=86400):
    """Publishes and mirrors state 1 (hello 1.0, dated an hour ago); returns what apt needs."""
    deb = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=valid_for)
    mirror = make_apt_mirror(mode)
    pull_ok(mirror)
    inrelease = upstream.repo.path(f"dists/{SUITE}/InRelease").read_bytes()
    kept = upstream.base / "state-1" / deb.name  # state 2 removes it from the upstream pool
    kept.parent.mkdir(exist_ok=True)
    kept.write_bytes(deb.read_bytes())
    return mirror, inrelease, kept


def new_version(upstream, date_offset=-HOUR / 2, **publish):
    """State 2: hello 2.0 instead of 1.0."""
    upstream.repo.remove_package("hello", "1.0")
    deb = upstream.repo.add_package("hello", "2.0")
    upstream.repo.publish(SUITE, date=time.time() + date_offset, **publish)
    return deb


def test_refuses_a_release_signed_by_an_unpinned_key(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream, key=upstream.other_key())
    pull_refused(mirror, "no acceptable signature", "not in the pinned keyring")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_refuses_unsigned_text_appended_to_inrelease(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream)
    path = upstream.repo.path(f"dists/{SUITE}/InRelease")
    path.write_bytes(path.read_bytes() + b"Origin: forged\n")
    pull_refused(mirror, "text after the signature")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_refuses_unsigned_text_before_the_signed_message(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream)
    path = upstream.repo.path(f"dists/{SUITE}/InRelease")
    path.write_bytes(b"Origin: forged\n\n" + path.read_bytes())
    pull_refused(mirror, "text before the signed message")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_refuses_a_packages_file_that_does_not_match_the_release(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream)
    for copy in upstream.repo.index_copies(SUITE, "Packages.xz"):
        data = bytearray(copy.read_bytes())
        data[len(data) // 2] ^= 0xFF  # same size, other bytes
        copy.write_bytes(bytes(data))
    pull_refused(mirror, "Packages.xz", "sha256")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_refuses_a_deb_that_does_not_match_packages(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_deb = new_version(upstream)
    data = bytearray(new_deb.read_bytes())
    data[-1] ^= 0xFF
    new_deb.write_bytes(bytes(data))
    pull_refused(mirror, new_deb.name, "does not match its Packages entry")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)
    # Nothing of state 2 is reachable, not even its package file.
    assert get(mirror, str(new_deb.relative_to(upstream.repo.root)))[0] == 404


def test_refuses_a_rollback_to_an_older_date(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream, date_offset=-2 * HOUR)  # older than state 1
    pull_refused(mirror, "rollback")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_refuses_a_date_in_the_future(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror)
    new_version(upstream, date_offset=300)
    pull_refused(mirror, "in the future")
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_verbatim_refuses_an_expired_release_as_stale(upstream, make_apt_mirror):
    mirror, inrelease, deb = good_state(upstream, make_apt_mirror, valid_for=10 * 86400)
    new_version(upstream, valid_for=60)  # dated half an hour ago: expired 29 minutes ago
    pull_refused(mirror, "stale", "Valid-Until", 'mode = "resign"')
    assert_still_serves(upstream, mirror, inrelease, "hello", deb)


def test_resign_mode_keeps_apt_working_past_an_expired_upstream(upstream, make_apt_mirror):
    mirror, _, _ = good_state(upstream, make_apt_mirror, mode="resign", valid_for=10 * 86400)
    new_deb = new_version(upstream, valid_for=60)  # expired upstream
    pull_ok(mirror)
    exported = mirror.ctl("keys", "export")
    assert exported.returncode == 0, mirror.explain(exported)
    mirror_key = upstream.client().keyring_path("mirror.asc", exported.stdout)
    client = apt_client(upstream, mirror, [upstream.key.keyring, mirror_key])
    assert_apt_gets(client, "hello", new_deb)


def test_verbatim_cut_off_reports_a_stale_suite(upstream, make_apt_mirror):
    deb = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - 5, valid_for=8)
    mirror = make_apt_mirror("verbatim")
    pull_ok(mirror)
    upstream.server.stop()
    time.sleep(4)  # the served Release is now past its Valid-Until
    pull_refused(mirror, "cannot reach upstream", "STALE")
    # Verbatim cannot help: apt refuses the expired Release it is served.
    expired = apt_client(upstream, mirror).update()
    assert "is expired" in expired.stdout + expired.stderr, explain(expired)
    assert deb.exists()


def test_resign_cut_off_re_signs_the_held_snapshot(upstream, make_apt_mirror):
    deb = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=60)  # upstream expired
    mirror = make_apt_mirror("resign")
    pull_ok(mirror)
    first = get(mirror, f"dists/{SUITE}/InRelease")[1]
    exported = mirror.ctl("keys", "export")
    assert exported.returncode == 0, mirror.explain(exported)
    mirror_key = upstream.client().keyring_path("mirror.asc", exported.stdout)
    upstream.server.stop()
    time.sleep(1.1)  # the re-signed Date must be strictly newer
    pull_refused(mirror, "cannot reach upstream", "re-signed the held snapshot")
    second = get(mirror, f"dists/{SUITE}/InRelease")[1]
    assert second != first
    dates = [next(line for line in text.decode().splitlines() if line.startswith("Date: "))
             for text in (first, second)]
    assert dates[0] != dates[1]
    client = apt_client(upstream, mirror, [upstream.key.keyring, mirror_key])
    assert_apt_gets(client, "hello", deb)
