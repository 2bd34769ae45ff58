"""apt policies in resign mode carried to another mirror (README "Air-gapped transfer",
"Federation"): a resign-mode suite exported to a .tar and imported into a mirrord that reaches no
upstream, and pulled with `pull --from PEER`. The importing mirror re-signs the Release files with
its own OpenPGP key, so apt-get (Check-Valid-Until on) works against it trusting only that key and
gets the upstream's .deb bytes; a later `mirrorctl sync` there, cut off, re-signs the imported
snapshot like one it pulled itself.
"""

import calendar
import time

from apt_fixtures import (HOUR, POLICY, SUITE, apt_client, apt_policy,  # noqa: F401
                          assert_apt_gets, get, make_apt_mirror, upstream)
from apt_isolated import explain
from mirrord_proc import Mirrord, json_output, toml_str

UNREACHABLE = "http://127.0.0.1:9"


def ok(daemon, *args):
    result = daemon.ctl(*args, timeout=300)
    assert result.returncode == 0, daemon.explain(result)
    return result


def apt_key(mirror, client, name):
    """The mirror's apt signing key, as `mirrorctl keys export` prints it for clients."""
    return client.keyring_path(name, ok(mirror, "keys", "export").stdout)


def served(mirror, name):
    status, body = get(mirror, f"dists/{SUITE}/{name}")
    assert status == 200, (name, status)
    return body.decode()


def field(release, name):
    return next(line for line in release.splitlines() if line.startswith(name + ": "))


def release_time(release, name):
    text = field(release, name)[len(name) + 2:]
    return calendar.timegm(time.strptime(text, "%a, %d %b %Y %H:%M:%S UTC"))


def checksum_lines(release):
    return [line for line in release.splitlines() if line.startswith(" ")]


def resign_source(upstream, make_apt_mirror):
    """A mirror serving a resign-mode suite of the upstream; returns (mirror, the .deb)."""
    deb = upstream.repo.add_package("hello", "1.0")
    upstream.repo.publish(SUITE, date=time.time() - HOUR, valid_for=86400)
    source = make_apt_mirror("resign", 'resign_valid_days = 3\n')
    ok(source, "pull", "--no-progress", POLICY)
    return source, deb


def assert_signed_by_itself(upstream, source, copy, deb):
    """apt-get trusting only the copy's key works; the source's key alone does not; the copy's
    Release keeps every checksum line of the source's (upstream's) and has its own dates."""
    keys = upstream.client()
    client = apt_client(upstream, copy, [apt_key(copy, keys, "copy.asc")])
    assert_apt_gets(client, "hello", deb)
    foreign = apt_client(upstream, copy, [apt_key(source, keys, "source.asc")]).update()
    assert foreign.returncode != 0 or "E:" in foreign.stdout + foreign.stderr, explain(foreign)
    assert "NO_PUBKEY" in foreign.stdout + foreign.stderr, explain(foreign)
    mine, theirs = served(copy, "Release"), served(source, "Release")
    assert checksum_lines(mine) == checksum_lines(theirs) and checksum_lines(mine)
    assert field(mine, "Origin") == field(theirs, "Origin")
    assert served(copy, "InRelease") != served(source, "InRelease")
    return client


def test_resign_suite_through_a_bundle_then_re_signed_when_cut_off(upstream, make_apt_mirror,
                                                                    tmp_path):
    source, deb = resign_source(upstream, make_apt_mirror)
    bundle = tmp_path / "apt.tar"
    ok(source, "export", POLICY, "--to", str(bundle))
    key = tmp_path / "source.pem"
    key.write_text(ok(source, "keys", "manifest").stdout)
    upstream.server.stop()  # the importing mirror reaches no upstream at all

    # The same policy on the copy (resign mode, its archive now unreachable).
    copy = Mirrord([UNREACHABLE], apt_policy(upstream, "resign"))
    try:
        copy.start()
        imported = ok(copy, "import", str(bundle), "--key", str(key))
        assert "imported bundle" in imported.stdout, copy.explain(imported)
        client = assert_signed_by_itself(upstream, source, copy, deb)
        release = served(copy, "Release")
        # Valid-Until: the copy's Date plus the 3 days the record served.
        date, until = release_time(release, "Date"), release_time(release, "Valid-Until")
        assert until - date == 3 * 86400, release
        assert abs(date - time.time()) < 300, release  # signed at import, not at export

        # Cut off, a sync of the copy's policy re-signs the imported snapshot.
        time.sleep(1.1)  # the re-signed Date must be strictly newer
        synced = copy.ctl("sync", "--no-progress", POLICY, timeout=300)
        assert synced.returncode != 0, copy.explain(synced)
        assert "re-signed the held snapshot" in synced.stdout + synced.stderr, \
            copy.explain(synced)
        again = served(copy, "Release")
        assert field(again, "Date") != field(release, "Date")
        assert checksum_lines(again) == checksum_lines(release)
        assert_apt_gets(client, "hello", deb)
    finally:
        copy.cleanup()


def test_resign_suite_pulled_from_a_peer(upstream, make_apt_mirror):
    source, deb = resign_source(upstream, make_apt_mirror)
    pem = json_output(ok(source, "keys", "manifest", "--json"))["public_key"]
    upstream.server.stop()
    regional = Mirrord([UNREACHABLE], apt_policy(upstream, "resign"))
    try:
        (regional.base / "national.pem").write_text(pem)
        with open(regional.config_path, "a") as config:
            config.write(f"\n[peers.national]\nurl = {toml_str(source.public_url)}\n"
                         'key = "national.pem"\n')
        regional.start()
        ok(regional, "pull", "--from", "national", "--no-progress", POLICY)
        assert_signed_by_itself(upstream, source, regional, deb)
    finally:
        regional.cleanup()
