"""apt through another mirror (README "Federation") without a peer pull: the second mirror names
the first's served archive as its apt upstream, with the first's exported key as the pinned
keyring (a peer pull of a resign entry is test_apt_replica.py). The signature is then checked
against that key like any archive's, and a client of the second mirror gets the upstream's bytes.
"""

import time

from apt_fixtures import (HOUR, POLICY, SUITE, apt_client, assert_apt_gets,  # noqa: F401
                          make_apt_mirror, mirror_url, pull_ok, upstream)
from mirrord_proc import Mirrord, toml_str


def peer_archive_policy(national, keyring, mode):
    return ("[[mirror]]\n"
            f"name = {toml_str(POLICY)}\n"
            'source = "apt"\n'
            f"url = {toml_str(mirror_url(national) + '/')}\n"
            f"suites = [{toml_str(SUITE)}]\n"
            'components = ["main"]\n'
            'architectures = ["amd64"]\n'
            f"keyring = {toml_str(str(keyring))}\n"
            f"mode = {toml_str(mode)}\n")


def exported_key(mirror, client, name):
    exported = mirror.ctl("keys", "export")
    assert exported.returncode == 0, mirror.explain(exported)
    return client.keyring_path(name, exported.stdout)


def test_resign_suite_chained_through_a_peer_archive(upstream, make_apt_mirror):
    deb = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=86400)
    national = make_apt_mirror("resign")
    pull_ok(national)
    keys = upstream.client()
    national_key = exported_key(national, keys, "national.asc")

    regional = Mirrord(["http://127.0.0.1:9"], peer_archive_policy(national, national_key, "resign"))
    try:
        regional.start()
        pull_ok(regional)
        upstream.server.stop()  # the regional mirror never needed the original archive
        regional_key = exported_key(regional, keys, "regional.asc")
        client = apt_client(upstream, regional, [regional_key])
        assert_apt_gets(client, "hello", deb)
    finally:
        regional.cleanup()


def test_a_peer_archive_signed_by_another_key_is_refused(upstream, make_apt_mirror):
    upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=86400)
    national = make_apt_mirror("resign")
    pull_ok(national)
    # Pinning the original archive's key: the peer's own signature does not verify against it.
    regional = Mirrord(["http://127.0.0.1:9"],
                       peer_archive_policy(national, upstream.key.keyring, "verbatim"))
    try:
        regional.start()
        refused = regional.ctl("pull", POLICY, "--no-progress")
        assert refused.returncode != 0, regional.explain(refused)
        assert "signature" in refused.stdout + refused.stderr, regional.explain(refused)
    finally:
        regional.cleanup()
