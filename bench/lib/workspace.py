"""Command-line options shared by the benchmarks and the scratch space they use."""

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

GIB = 1 << 30
MIB = 1 << 20


def parser(description):
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--workdir", default=os.environ.get("MIRRORD_BENCH_DIR", "/tmp/mirrord-bench"),
                   help="scratch space for generated data, stores and servers "
                        "(default: $MIRRORD_BENCH_DIR or /tmp/mirrord-bench)")
    p.add_argument("--keep-data", action="store_true",
                   help="keep generated contents for the next run (default: delete them)")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    return p


def size_arg(text):
    """'2G', '512M', '64K' or a byte count."""
    units = {"K": 1 << 10, "M": MIB, "G": GIB}
    text = text.strip().upper().removesuffix("IB").removesuffix("B")
    if text and text[-1] in units:
        return int(float(text[:-1]) * units[text[-1]])
    return int(text)


class Scratch:
    """<workdir>/<name>: emptied at start; data/ survives only with --keep-data."""

    def __init__(self, args, name):
        self.root = Path(args.workdir) / name
        self.keep_data = args.keep_data
        self.data = Path(args.workdir) / "data"
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir(parents=True)
        self._check_space()

    def _check_space(self):
        free = shutil.disk_usage(self.root).free
        print(f"   scratch {self.root} ({free / GIB:.0f} GiB free)")

    def path(self, *parts):
        p = self.root.joinpath(*parts)
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)
        if not self.keep_data:
            shutil.rmtree(self.data, ignore_errors=True)
