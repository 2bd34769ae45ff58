"""The Debian package: built by CPack from the build under test (or the .deb named by MIRRORD_DEB),
unpacked and installed into scratch roots, and checked as an operator would meet it: files and
modes, conffiles, maintainer scripts, dependencies, the installed programs, the man pages, the
systemd units, and the shipped configuration."""

import gzip
import io
import os
import re
import shutil
import stat
import subprocess
import tarfile
from pathlib import Path

import pytest

from mirrord_proc import binary

SOURCE_DIR = Path(__file__).resolve().parents[2]
CATALOG = sorted(p.name for p in (SOURCE_DIR / "policies" / "catalog").glob("*.toml"))
CONFFILES = ["/etc/mirrord/mirrord.toml", "/etc/mirrord/policies.d/local.toml"]
# The highest exposure `systemd-analyze security` may give the unit (it measured 1.2).
MAX_EXPOSURE = 1.5

# path -> mode of what the package must install (all owned by root).
EXPECTED = {
    "usr/sbin/mirrord": 0o755,
    "usr/bin/mirrorctl": 0o755,
    "usr/lib/systemd/system/mirrord.service": 0o644,
    "usr/lib/sysusers.d/mirrord.conf": 0o644,
    "usr/lib/tmpfiles.d/mirrord.conf": 0o644,
    "etc/mirrord/mirrord.toml": 0o644,
    "etc/mirrord/policies.d/local.toml": 0o644,
    "usr/share/man/man8/mirrord.8.gz": 0o644,
    "usr/share/man/man1/mirrorctl.1.gz": 0o644,
    "usr/share/doc/mirrord/README.md": 0o644,
    "usr/share/doc/mirrord/copyright": 0o644,
    **{f"usr/share/mirrord/catalog/{name}": 0o644 for name in CATALOG},
}


def require_tools(*tools):
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (scripts/install-deps.sh test installs "
                    "them): the Debian package cannot be built or inspected here")


def run(*args, check=True, text=True, **kwargs):
    result = subprocess.run([str(a) for a in args], capture_output=True, text=text,
                            stdin=subprocess.DEVNULL, **kwargs)
    if check:
        assert result.returncode == 0, (f"$ {' '.join(map(str, args))}\nexit {result.returncode}\n"
                                        f"{result.stdout!s}\n{result.stderr!s}")
    return result


@pytest.fixture(scope="module")
def deb(tmp_path_factory):
    """The .deb: MIRRORD_DEB, else one CPack builds from the build that holds MIRRORD_BIN."""
    require_tools("dpkg-deb", "dpkg")
    given = os.environ.get("MIRRORD_DEB")
    if given:
        return Path(given)
    require_tools("cpack", "dpkg-shlibdeps")
    build_dir = Path(binary("MIRRORD_BIN")).resolve().parents[1]
    cpack_config = build_dir / "CPackConfig.cmake"
    assert cpack_config.is_file(), f"{cpack_config} is missing: MIRRORD_BIN is not in a build dir"
    out = tmp_path_factory.mktemp("deb")
    run("cpack", "--config", cpack_config, "-G", "DEB", "-B", out, timeout=600)
    debs = list(out.glob("mirrord_*.deb"))
    assert len(debs) == 1, f"cpack made {debs}"
    return debs[0]


@pytest.fixture(scope="module")
def root(deb, tmp_path_factory):
    """The package's files unpacked (dpkg -x) into a scratch root."""
    unpacked = tmp_path_factory.mktemp("root")
    run("dpkg", "-x", deb, unpacked)
    return unpacked


@pytest.fixture(scope="module")
def control(deb, tmp_path_factory):
    """The package's control area (dpkg-deb -e): control, conffiles, maintainer scripts."""
    area = tmp_path_factory.mktemp("control") / "DEBIAN"
    run("dpkg-deb", "-e", deb, area)
    return area


def field(deb, name):
    return run("dpkg-deb", "-f", deb, name).stdout.strip()


def test_control_fields(deb):
    assert field(deb, "Package") == "mirrord"
    assert field(deb, "Version") == f"{version()}-1"
    assert field(deb, "Architecture") == run("dpkg", "--print-architecture").stdout.strip()
    assert field(deb, "Maintainer")
    assert field(deb, "Section") == "net"
    depends = field(deb, "Depends")
    # From dpkg-shlibdeps (the libraries the binaries link) and the programs the daemon runs.
    for package in ("libc6", "libcurl4", "libsqlite3-0", "libsystemd0", "libgit2-1.5", "libssl3",
                    "libarchive13", "gpgv", "gpg", "gpg-agent"):
        assert re.search(rf"(^|, ){re.escape(package)}( \(|,|$)", depends), (package, depends)


def version():
    text = (SOURCE_DIR / "CMakeLists.txt").read_text()
    return re.search(r"project\(mirrord VERSION (\S+)", text).group(1)


def test_files_modes_and_owners(deb):
    listing = run("dpkg-deb", "--fsys-tarfile", deb, text=False).stdout
    members = {}
    with tarfile.open(fileobj=io.BytesIO(listing)) as tar:
        for member in tar.getmembers():
            members[member.name.removeprefix("./").rstrip("/")] = member
    for path, mode in EXPECTED.items():
        assert path in members, f"{path} is not in the package"
        member = members[path]
        assert member.isfile(), path
        assert stat.S_IMODE(member.mode) == mode, f"{path}: {oct(member.mode)}"
        assert (member.uname, member.gname) == ("root", "root"), path
    for name, member in members.items():
        assert name in ("", "etc") or re.match(r"(etc/mirrord|usr)(/|$)", name), f"stray {name}"
        assert "/local/" not in name and "/include/" not in name, name
        if member.isdir():
            assert stat.S_IMODE(member.mode) == 0o755, f"{name}: {oct(member.mode)}"


def test_conffiles_and_maintainer_scripts(control):
    assert (control / "conffiles").read_text().split() == CONFFILES
    for script in ("postinst", "prerm", "postrm"):
        path = control / script
        assert stat.S_IMODE(path.stat().st_mode) == 0o755, script
        run("sh", "-n", path)
    postinst = (control / "postinst").read_text()
    assert "systemd-sysusers" in postinst and "systemd-tmpfiles" in postinst
    assert "daemon-reload" in postinst


def test_installed_programs_run(root):
    mirrord = root / "usr/sbin/mirrord"
    assert run(mirrord, "--version").stdout.strip() == f"mirrord {version()}"
    usage = run(mirrord, "--help").stdout
    assert "--check-config" in usage and "SIGHUP" in usage
    assert run(root / "usr/bin/mirrorctl", "help").returncode == 0


@pytest.mark.parametrize("page", ["usr/share/man/man8/mirrord.8.gz",
                                  "usr/share/man/man1/mirrorctl.1.gz"])
def test_man_pages_are_valid(root, page, tmp_path):
    require_tools("groff")
    source = tmp_path / Path(page).stem
    source.write_bytes(gzip.decompress((root / page).read_bytes()))
    env = {**os.environ, "LC_ALL": "C.UTF-8"}
    result = run("groff", "-man", "-Tutf8", "-ww", "-z", source, env=env)
    assert result.stderr == "", f"groff warnings for {page}:\n{result.stderr}"
    if shutil.which("man"):
        shown = run("man", "--warnings", "-l", root / page,
                    env={**env, "MANPAGER": "cat", "MANWIDTH": "80"})
        assert shown.stderr == "", shown.stderr
        assert "SYNOPSIS" in shown.stdout and "EXIT STATUS" in shown.stdout


def test_check_config_accepts_the_installed_configuration(root, tmp_path):
    """The shipped mirrord.toml, with its absolute paths moved into the scratch root, passes
    --check-config and loads the installed catalog and policy directory."""
    shipped = (root / "etc/mirrord/mirrord.toml").read_text()
    moves = {"/usr/share/mirrord/catalog": root / "usr/share/mirrord/catalog",
             "/etc/mirrord/policies.d": root / "etc/mirrord/policies.d",
             "/var/lib/mirrord": tmp_path / "state"}
    config = shipped
    for original, moved in moves.items():
        assert f'"{original}' in shipped, f"the shipped config no longer names {original}"
        config = config.replace(f'"{original}', f'"{moved}')
    (tmp_path / "mirrord.toml").write_text(config)
    result = run(root / "usr/sbin/mirrord", "--check-config", "--config", tmp_path / "mirrord.toml")
    entries = sum(p.read_text().count("[[mirror]]")
                  for p in (root / "usr/share/mirrord/catalog").glob("*.toml"))
    assert result.stdout.strip() == f"configuration OK: {entries} policies"


def dpkg_install(deb, target):
    """dpkg --root: a real installation into `target`, maintainer scripts included (run outside
    a chroot with DPKG_ROOT set, as the scripts expect)."""
    admin = target / "var/lib/dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True, exist_ok=True)
    for name in ("status", "available"):
        (admin / name).touch()
    (target / "etc").mkdir(exist_ok=True)
    for name in ("passwd", "group"):  # the accounts a Debian root starts with
        shutil.copy(f"/etc/{name}", target / "etc" / name)
    return run("dpkg", f"--root={target}", "--force-script-chrootless", "--force-not-root",
               "--force-depends", "--log=/dev/null", "-i", deb, check=False)


def test_dpkg_installs_creates_the_user_and_state_dir_and_purges(deb, tmp_path):
    require_tools("systemd-sysusers", "systemd-tmpfiles")
    target = tmp_path / "sysroot"
    target.mkdir()
    installed = dpkg_install(deb, target)
    if installed.returncode != 0 and os.geteuid() != 0:
        pytest.skip(f"dpkg --root needs root here: {installed.stderr.strip()}")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    status = run("dpkg-query", f"--root={target}", "-W", "-f=${Status}", "mirrord").stdout
    assert status == "install ok installed"
    listed = run("dpkg-query", f"--root={target}", "-W", "-f=${Conffiles}", "mirrord").stdout
    assert [line.split()[0] for line in listed.strip().splitlines()] == CONFFILES

    users = {line.split(":")[0]: line.split(":") for line in
             (target / "etc/passwd").read_text().splitlines()}
    assert "mirrord" in users, "postinst did not create the mirrord user"
    assert users["mirrord"][5] == "/var/lib/mirrord"
    state = target / "var/lib/mirrord"
    assert state.is_dir(), "postinst did not create the state directory"
    assert stat.S_IMODE(state.stat().st_mode) == 0o750
    if os.geteuid() == 0:
        assert state.stat().st_uid == int(users["mirrord"][2])

    (target / "etc/mirrord/mirrord.toml").write_text("# edited by the operator\n")
    run("dpkg", f"--root={target}", "--force-script-chrootless", "--force-not-root",
        "--log=/dev/null", "-r", "mirrord")
    assert not (target / "usr/sbin/mirrord").exists()
    assert (target / "etc/mirrord/mirrord.toml").read_text() == "# edited by the operator\n"
    run("dpkg", f"--root={target}", "--force-script-chrootless", "--force-not-root",
        "--log=/dev/null", "-P", "mirrord")
    assert not (target / "etc/mirrord/mirrord.toml").exists()
    assert state.is_dir(), "purge must keep the mirrored data"


def units_pointing_into(root, directory):
    """Copies of the package's units whose commands name the scratch root's files."""
    directory.mkdir()
    for unit in (root / "usr/lib/systemd/system").iterdir():
        text = unit.read_text()
        assert "/usr/sbin/mirrord" in text
        for path in ("/usr/sbin/mirrord", "/etc/mirrord"):
            text = text.replace(path, f"{root}{path}")
        (directory / unit.name).write_text(text)
    return sorted(directory.iterdir())


def test_systemd_analyze_verify_passes(root, tmp_path):
    require_tools("systemd-analyze")
    units = units_pointing_into(root, tmp_path / "units")
    env = {**os.environ, "MANPATH": str(root / "usr/share/man")}
    result = run("systemd-analyze", "verify", *units, check=False, env=env)
    # verify exits 0 on some warnings (a value it ignores): any output is a failure.
    assert (result.returncode, result.stdout + result.stderr) == (0, ""), result.stderr


def test_unit_exposure_stays_low(root):
    require_tools("systemd-analyze")
    unit = root / "usr/lib/systemd/system/mirrord.service"
    result = run("systemd-analyze", "security", "--offline=true", "--no-pager", unit)
    score = float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout).group(1))
    assert score <= MAX_EXPOSURE, result.stdout
