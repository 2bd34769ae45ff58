"""Measuring and reporting: wrk and curl runs, medians with their spread, and ratio lines.

Every benchmark measures its baseline in the same run, interleaved with mirrord (baseline,
mirrord, baseline, ...), and reports medians (docs/performance.md section 3).
"""

import json
import os
import platform
import re
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

GIB = 1 << 30

_UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def parse_duration(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def wrk(url, seconds, connections, threads=2, method="GET", paths=None):
    """Runs wrk --latency; returns {'rps', 'p50', 'p99' (seconds), 'requests', 'bad'}.

    `paths`: a list of request paths to cycle through (else `url`'s own path). Responses other
    than 2xx/3xx, and socket errors, are counted in 'bad'.
    """
    lines = [f'wrk.method = "{method}"']
    if paths:
        lines.append("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}")
        lines.append("local i = 0")
        lines.append("request = function() i = i % #paths + 1; "
                     "return wrk.format(nil, paths[i]) end")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("\n".join(lines) + "\n")
    try:
        out = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency",
             "-s", script.name, url], capture_output=True, text=True, check=True,
            timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1))}
    for pct in ("50", "99"):
        result["p" + pct] = parse_duration(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       out)
    result["bad"] = (int(bad.group(1)) if bad else 0) + (
        sum(int(g) for g in errors.groups()) if errors else 0)
    return result


def parallel_curl(urls, out_paths=None):
    """Starts one curl per URL at once; returns (total bytes, wall seconds)."""
    out_paths = out_paths or ["/dev/null"] * len(urls)
    started = time.monotonic()
    procs = [subprocess.Popen(["curl", "-sS", "--fail", "-o", o, "-w", "%{size_download}", u],
                              stdout=subprocess.PIPE, text=True)
             for u, o in zip(urls, out_paths)]
    total = 0
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"curl failed with exit {proc.returncode}")
        total += int(out)
    return total, time.monotonic() - started


def median(values):
    return statistics.median(values)


def spread(values):
    """'min..max' of a list of numbers, for the report."""
    return f"{min(values):.4g}..{max(values):.4g}"


def machine_line():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = os.getloadavg()
    return (f"{platform.node()} | {os.cpu_count()} CPUs ({cpu}) | "
            f"{os.sysconf('SC_PHYS_PAGES') * os.sysconf('SC_PAGE_SIZE') / GIB:.0f} GiB | "
            f"load {load[0]:.2f} at start | {time.strftime('%Y-%m-%d %H:%M %Z')}")


def header(title):
    print(f"== {title}")
    print(f"   {machine_line()}")


def ratio_line(label, ours, baseline, target=None, unit=""):
    """Prints 'label: mirrord X, baseline Y, ratio Z (target >= T)'; returns the ratio."""
    ratio = ours / baseline if baseline else float("nan")
    goal = f" (target >= {target})" if target is not None else ""
    print(f"RESULT {label}: mirrord {ours:.4g}{unit}, baseline {baseline:.4g}{unit}, "
          f"ratio {ratio:.3f}{goal}")
    return ratio


def value_line(label, value, unit="", target=None):
    goal = f" (target {target})" if target is not None else ""
    print(f"RESULT {label}: {value:.4g}{unit}{goal}")
    return value


def hload_binary(workdir):
    """Compiles bench/tools/hload.c into workdir (when missing or older than the source)."""
    source = Path(__file__).resolve().parents[1] / "tools" / "hload.c"
    binary = Path(workdir) / "hload"
    if not binary.exists() or binary.stat().st_mtime < source.stat().st_mtime:
        binary.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["cc", "-O2", "-pthread", "-o", str(binary), str(source)], check=True)
    return str(binary)


def hload(binary, port, paths, seconds, connections, threads=2, method="HEAD"):
    """Runs hload (bench/tools/hload.c); returns the same keys as wrk()."""
    run = subprocess.run([binary, "-m", method, "-c", str(connections), "-t", str(threads),
                          "-d", str(seconds), "-p", str(port)], input="\n".join(paths) + "\n",
                         capture_output=True, text=True, timeout=seconds + 60)
    if run.returncode != 0:
        raise RuntimeError(f"hload failed ({run.returncode}): {run.stderr.strip()}")
    out = run.stdout.split()
    values = dict(zip(out[::2], out[1::2]))
    return {"rps": float(values["rps"]), "requests": int(values["requests"]),
            "p50": int(values["p50_us"]) * 1e-6, "p99": int(values["p99_us"]) * 1e-6,
            "bad": int(values["errors"])}
