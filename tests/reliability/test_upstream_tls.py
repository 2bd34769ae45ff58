"""TLS to the upstream (issue 7, item 2): a certificate for the wrong name, or from a CA the mirror
does not trust, fails the pull before any byte is taken; the right certificate from the configured
CA bundle works for the hub and for the CDN it redirects to."""

import shutil

import pytest

from hf_expectations import Q05, REPOS_DIR
from mirrord_proc import policy_toml
from pull_checks import assert_nothing_served, assert_served_intact, pull
from tls_hub import TlsHub, mint_certificates

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="the openssl command line mints the test certificates")


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    return mint_certificates(tmp_path_factory.mktemp("certs"))


def test_right_name_from_the_configured_ca_is_accepted(certs, make_daemon):
    with TlsHub(str(REPOS_DIR), certs / "right.pem", certs / "right.key") as hub:
        daemon = make_daemon(hub, policy_toml("qwen", Q05), ca_bundle=certs / "ca.pem")
        result, _ = pull(daemon)
        assert result.returncode == 0, daemon.explain(result)
        assert_served_intact(daemon, Q05)
        assert hub.stats()["files"][f"{Q05}/model.safetensors"]["cdn"] == 1


def test_certificate_for_another_name_fails_the_pull(certs, make_daemon):
    with TlsHub(str(REPOS_DIR), certs / "wrong.pem", certs / "wrong.key") as hub:
        daemon = make_daemon(hub, policy_toml("qwen", Q05), ca_bundle=certs / "ca.pem")
        result, output = pull(daemon)
        assert result.returncode == 1, daemon.explain(result)
        lowered = output.lower()
        assert "certificate" in lowered or "ssl" in lowered, daemon.explain(result)
        assert "127.0.0.1" in output, "the message names the upstream"
        assert hub.stats()["log"] == [], "a request got through a failed handshake"
        assert_nothing_served(daemon, Q05)


def test_certificate_from_an_untrusted_ca_fails_the_pull(certs, make_daemon):
    with TlsHub(str(REPOS_DIR), certs / "right.pem", certs / "right.key") as hub:
        daemon = make_daemon(hub, policy_toml("qwen", Q05))  # the system store only
        result, output = pull(daemon)
        assert result.returncode == 1, daemon.explain(result)
        lowered = output.lower()
        assert "certificate" in lowered or "ssl" in lowered, daemon.explain(result)
        assert hub.stats()["log"] == []
        assert_nothing_served(daemon, Q05)
