"""Admission control end to end: a fake upstream repo with a malicious pytorch_model.bin and
remote code, signed and tampered models, quarantine release, signed manifests and verify (scrub).

Repos: tests/data/hf/repos/trust/ (see tests/data/README.md)."""

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from fake_hf import FakeHub
from hf_expectations import DATA_DIR, REPOS_DIR
from http_util import request
from mirrord_proc import Mirrord, json_output, policy_toml, toml_str

POISONED = "trust/poisoned-model"
SIGNED = "trust/signed-model"
TAMPERED = "trust/tampered-signed-model"
SIGNING_KEY = DATA_DIR.parent / "model-signing" / "keys" / "certificate" / "signing-key-pub.pem"
SIGNED_POLICY = f'signature = "required"\ntrusted_keys = [{toml_str(SIGNING_KEY)}]\n'

POLICIES = "\n".join([
    policy_toml("poisoned", POISONED),
    policy_toml("poisoned-strict", POISONED) + 'on_refusal = "fail"\n',
    policy_toml("signed", SIGNED) + SIGNED_POLICY,
    policy_toml("tampered", TAMPERED) + SIGNED_POLICY,
    policy_toml("signed-untrusted", SIGNED) + 'signature = "required"\n',
    policy_toml("apache-only", POISONED, aliases=["apache"]) + 'licenses = ["mit"]\n',
])


@pytest.fixture
def env():
    """A fake upstream and a daemon of this test's own (each test changes the mirror's state)."""
    with FakeHub(str(REPOS_DIR)) as hub:
        daemon = Mirrord([hub.url], POLICIES).start()
        yield hub, daemon
        daemon.cleanup()


def ctl_ok(daemon, *args):
    result = daemon.ctl(*args)
    assert result.returncode == 0, daemon.explain(result)
    return result


def resolve(daemon, repo, path, method="GET"):
    return request(f"{daemon.public_url}/{repo}/resolve/main/{path}", method=method)


def upstream_bytes(repo, path):
    return (REPOS_DIR / repo / path).read_bytes()


def quarantine(daemon, *extra):
    return json_output(ctl_ok(daemon, "quarantine", "ls", *extra, "--json"))["quarantine"]


def test_malicious_pickle_is_quarantined_and_the_rest_published(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "poisoned")
    listed = json_output(ctl_ok(daemon, "ls", "--json"))["repos"]
    assert [(r["repo"], r["files"]) for r in listed] == [(POISONED, 3)]
    served = resolve(daemon, POISONED, "model.safetensors")
    assert served.status == 200 and served.body == upstream_bytes(POISONED, "model.safetensors")
    for path in ("pytorch_model.bin", "modeling_custom.py"):
        for method in ("GET", "HEAD"):
            refused = resolve(daemon, POISONED, path, method)
            assert refused.status == 404, refused.describe()
            assert refused.header("X-Error-Code") == "EntryNotFound", refused.describe()
    held = {entry["path"]: entry for entry in quarantine(daemon)}
    assert set(held) == {"pytorch_model.bin", "modeling_custom.py"}
    assert "builtins.eval" in held["pytorch_model.bin"]["reason"]
    assert 'remote_code = "refuse"' in held["modeling_custom.py"]["reason"]
    digest = hashlib.sha256(upstream_bytes(POISONED, "pytorch_model.bin")).hexdigest()
    assert held["pytorch_model.bin"]["sha256"] == digest
    table = ctl_ok(daemon, "quarantine", "ls").stdout
    assert "pytorch_model.bin" in table and "builtins.eval" in table


def test_show_reports_the_verdict(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "poisoned")
    shown = json_output(ctl_ok(daemon, "show", "poisoned", "--json"))
    verdict = shown["verdict"]
    assert shown["repo"] == POISONED and shown["files"] == 3
    assert verdict["decision"] == "published"
    assert verdict["counts"] == {"admitted": 3, "refused": 2, "released": 0, "withheld": 0}
    assert verdict["remote_code"] == ["modeling_custom.py"]
    assert verdict["license"]["ids"] == ["apache-2.0"] and verdict["license"]["allowed"]
    assert verdict["signature"]["status"] == "absent"
    by_path = {f["path"]: f for f in verdict["files"]}
    assert by_path["model.safetensors"]["format"] == "safetensors"
    assert by_path["pytorch_model.bin"]["status"] == "refused"
    text = ctl_ok(daemon, "show", POISONED).stdout
    assert "decision     published" in text and "modeling_custom.py" in text
    missing = daemon.ctl("show", "Nobody/nothing")
    assert missing.returncode == 4 and "not mirrored" in missing.stderr


def test_on_refusal_fail_publishes_nothing(env):
    _, daemon = env
    result = daemon.ctl("pull", "poisoned-strict")
    assert result.returncode == 1, daemon.explain(result)
    assert "pytorch_model.bin was refused" in result.stderr
    assert "quarantined" in result.stderr
    assert json_output(ctl_ok(daemon, "ls", "--json"))["repos"] == []
    assert resolve(daemon, POISONED, "model.safetensors").status == 404
    assert {e["path"] for e in quarantine(daemon)} == {"pytorch_model.bin", "modeling_custom.py"}


def test_licence_outside_the_policy_fails_the_pull(env):
    _, daemon = env
    result = daemon.ctl("pull", "apache-only")
    assert result.returncode == 1, daemon.explain(result)
    assert "licence apache-2.0" in result.stderr and "not among the policy's licenses" in result.stderr


def test_release_needs_a_reason_and_publishes_the_file(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "poisoned")
    entry = next(e for e in quarantine(daemon) if e["path"] == "pytorch_model.bin")
    no_reason = daemon.ctl("quarantine", "release", str(entry["id"]))
    assert no_reason.returncode == 2, daemon.explain(no_reason)
    assert resolve(daemon, POISONED, "pytorch_model.bin").status == 404
    ctl_ok(daemon, "quarantine", "release", str(entry["id"]), "reviewed:", "test", "fixture")
    served = resolve(daemon, POISONED, "pytorch_model.bin")
    assert served.status == 200 and served.body == upstream_bytes(POISONED, "pytorch_model.bin")
    assert [e["path"] for e in quarantine(daemon)] == ["modeling_custom.py"]
    released = next(e for e in quarantine(daemon, "all") if e["path"] == "pytorch_model.bin")
    assert released["release_reason"] == "reviewed: test fixture" and released["released_at"] > 0
    again = daemon.ctl("quarantine", "release", str(entry["id"]), "twice")
    assert again.returncode == 1 and "already released" in again.stderr
    verdict = json_output(ctl_ok(daemon, "show", "poisoned", "--json"))["verdict"]
    by_path = {f["path"]: f for f in verdict["files"]}
    assert by_path["pytorch_model.bin"]["status"] == "released"
    assert by_path["pytorch_model.bin"]["release_reason"] == "reviewed: test fixture"
    # The manifest was signed again and lists the released file.
    manifest = request(f"{daemon.public_url}/api/models/{POISONED}/manifest/main")
    assert "pytorch_model.bin" in {f["path"] for f in json.loads(manifest.body)["files"]}
    # A later pull admits exactly these bytes as released.
    ctl_ok(daemon, "pull", "poisoned")
    assert resolve(daemon, POISONED, "pytorch_model.bin").status == 200


def openssl_verify(public_pem, message, signature):
    with tempfile.TemporaryDirectory() as tmp:
        key, data, sig = Path(tmp, "key.pem"), Path(tmp, "data"), Path(tmp, "sig")
        key.write_text(public_pem)
        data.write_bytes(message)
        sig.write_bytes(signature)
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(key),
                               "-rawin", "-in", str(data), "-sigfile", str(sig)],
                              capture_output=True, text=True).returncode == 0


def test_manifest_is_signed_by_the_mirror_key(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "poisoned")
    public_pem = ctl_ok(daemon, "keys", "manifest").stdout
    assert public_pem.startswith("-----BEGIN PUBLIC KEY-----")
    key_info = json_output(ctl_ok(daemon, "keys", "manifest", "--json"))
    served_key = request(f"{daemon.public_url}/api/mirror/manifest-key")
    assert served_key.status == 200 and served_key.body.decode() == public_pem
    base = f"{daemon.public_url}/api/models/{POISONED}/manifest/main"
    manifest, signature = request(base), request(base + "/signature")
    assert manifest.status == 200 and signature.status == 200, manifest.describe()
    assert len(signature.body) == 64
    assert openssl_verify(public_pem, manifest.body, signature.body)
    assert not openssl_verify(public_pem, manifest.body.replace(b"safetensors", b"safetensorz"),
                              signature.body)
    document = json.loads(manifest.body)
    assert document["format"] == "mirrord-snapshot-manifest/v1"
    assert document["key_id"] == key_info["key_id"]
    assert {f["path"] for f in document["files"]} == {"config.json", "model.safetensors",
                                                     "README.md"}
    assert document["verdict"]["counts"]["refused"] == 2
    commit = manifest.header("X-Repo-Commit")
    assert request(f"{daemon.public_url}/api/models/{POISONED}/manifest/{commit}").body == \
        manifest.body
    assert request(f"{daemon.public_url}/api/models/{POISONED}/manifest/nope").status == 404


def test_signed_model_verifies_and_tampering_fails(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "signed")
    signature = json_output(ctl_ok(daemon, "show", "signed", "--json"))["verdict"]["signature"]
    assert signature["status"] == "verified" and signature["method"] == "key"
    files = {f["path"]: f for f in json_output(ctl_ok(daemon, "show", SIGNED, "--json"))
             ["verdict"]["files"]}
    assert files["signme-1"]["signature"] == "verified"
    assert files["ignore-me"]["signature"] == "ignored"
    assert resolve(daemon, SIGNED, "model.sig").body == upstream_bytes(SIGNED, "model.sig")
    tampered = daemon.ctl("pull", "tampered")
    assert tampered.returncode == 1, daemon.explain(tampered)
    assert "signme-1 does not match its signed digest" in tampered.stderr
    untrusted = daemon.ctl("pull", "signed-untrusted")
    assert untrusted.returncode == 1 and "not verifiable" in untrusted.stderr


def blob_file(daemon, digest):
    return daemon.state_dir / "blobs" / "sha256" / digest[:2] / digest[2:4] / digest


def test_verify_finds_a_corrupted_blob(env):
    _, daemon = env
    ctl_ok(daemon, "pull", "poisoned")
    clean = ctl_ok(daemon, "verify")
    assert "no problem found" in clean.stdout
    digest = hashlib.sha256(upstream_bytes(POISONED, "config.json")).hexdigest()
    path = blob_file(daemon, digest)
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[0] ^= 0x01
    path.write_bytes(bytes(data))
    damaged = daemon.ctl("verify", "poisoned")
    assert damaged.returncode == 1, daemon.explain(damaged)
    assert "config.json" in damaged.stderr and "corrupted on disk" in damaged.stderr
