"""A mirrord for the reliability tests: the integration suite's Mirrord with more settings
(storage root elsewhere, CA bundle, [pull] settings), kill -9 and restart on the same state, and
its resident memory."""

import os
import signal
import subprocess
from pathlib import Path

from mirrord_proc import Mirrord, binary, config_toml, toml_str

# Lines printed in the run's summary (conftest.pytest_terminal_summary): the figures a reader of
# the CI log wants without digging (kill points, bytes re-fetched, memory).
figures = []


def report(line):
    figures.append(line)
    print(line)


class Daemon(Mirrord):
    """Settings beyond Mirrord's: `state_dir` (the storage root, e.g. on a small tmpfs),
    `ca_bundle` ([upstream.hf] ca_bundle), `pull` (a dict for [pull])."""

    def __init__(self, endpoints, policies_text, token=None, state_dir=None, ca_bundle=None,
                 pull=None):
        super().__init__(endpoints, policies_text, token)
        if state_dir is not None:
            self.state_dir = Path(state_dir)
            self.state_dir.mkdir(parents=True, exist_ok=True)
        token_file = self.base / "hf-token" if token is not None else ""
        text = config_toml(self.state_dir, self.policies_dir, endpoints, token_file)
        if ca_bundle is not None:
            text += f"ca_bundle = {toml_str(ca_bundle)}\n"  # still in [upstream.hf]
        if pull:
            text += "\n[pull]\n" + "".join(f"{k} = {v}\n" for k, v in pull.items())
        self.config_path.write_text(text)

    @property
    def pid(self):
        return self.proc.pid

    def kill9(self):
        """SIGKILL: no destructor, no flush, no cleanup; what a power cut leaves behind is the
        worse case, but this is the one a test can repeat."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def restart(self):
        """Starts again on the same state dir and config (after kill9 or stop)."""
        self.ready_line = None
        self.public_url = None
        self.admin_socket = None
        return self.start()

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    def ctl_async(self, *args):
        """`mirrorctl ARGS` started in the background (the caller waits or kills)."""
        return subprocess.Popen([binary("MIRRORCTL_BIN"), "--socket", str(self.admin_socket),
                                 *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, text=True)

    def has_command(self, name):
        result = self.ctl("help")
        return any(line.split()[:1] == [name] for line in result.stdout.splitlines())


def sanitized_build():
    """Whether the daemon under test carries a sanitizer runtime (its memory figures mean little:
    ASan keeps freed memory in quarantine)."""
    return os.environ.get("MIRRORD_SANITIZED") == "1"
