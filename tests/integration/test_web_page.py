"""The web catalog page in a real browser: headless Chromium loads it from a daemon that pulled a
model from the fake hub and a project from the fake PyPI; the test reads the DOM as rendered,
checks the screenshot holds a drawn page (decoded here, not just an HTTP 200) and, where
tesseract is installed, that the repo name can be read off it."""

import collections
import html
import re
import shutil
import subprocess

import pytest

from fake_pypi import FakePypi
from hf_expectations import Q05
from http_util import request
from mirrord_proc import TEST_POLICIES, Mirrord
from png_pixels import read_png
from pypi_helpers import make_test_projects, pypi_policy

WIDTH, HEIGHT = 1100, 800


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    pytest.skip("no chromium on PATH (Debian package chromium: scripts/install-deps.sh test)")


def run_chromium(binary, *args):
    command = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-dev-shm-usage", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120,
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def pulled(fresh_hub, tmp_path):
    projects = make_test_projects()
    with FakePypi("json", {"tinypkg": projects["tinypkg"]}) as pypi:
        daemon = Mirrord([fresh_hub.url],
                         TEST_POLICIES + "\n" + pypi_policy("pypi-test", pypi.index_url,
                                                            ["tinypkg"]))
        daemon.start()
        try:
            for target in ("qwen", "pypi-test"):
                result = daemon.ctl("pull", "--no-progress", target)
                assert result.returncode == 0, daemon.explain(result)
            yield daemon
        finally:
            daemon.cleanup()


def test_page_renders_the_catalog_in_chromium(pulled, tmp_path):
    binary = chromium()
    url = pulled.public_url + "/"
    served = request(url)
    assert served.status == 200 and served.header("Content-Type").startswith("text/html")

    dom = run_chromium(binary, "--dump-dom", url)
    if dom.returncode != 0 or "<html" not in dom.stdout:
        pytest.skip(f"chromium cannot start here (exit {dom.returncode}): {dom.stderr[-400:]}")
    text = html.unescape(re.sub(r"<[^>]+>", " ", dom.stdout))
    assert Q05 in text, text[:2000]
    assert "main" in text
    assert f"HF_ENDPOINT={pulled.public_url} huggingface-cli download {Q05}" in text, text[:3000]
    assert f"pip install --index-url {pulled.public_url}/pypi/pypi-test/simple/ tinypkg" in text
    assert "Models (1)" in text and "Python packages (1)" in text

    shot = tmp_path / "catalog.png"
    taken = run_chromium(binary, f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}",
                         "--force-device-scale-factor=1", url)
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    width, height, pixels = read_png(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    counts = collections.Counter(pixel for row in pixels for pixel in row)
    background, background_count = counts.most_common(1)[0]
    drawn = width * height - background_count
    assert drawn > width * height * 0.15, f"only {drawn} pixels differ from {background}"
    assert len(counts) > 50, "a rendered page with text has many colours (anti-aliasing)"
    header = collections.Counter(pixels[y][x] for y in range(0, 40) for x in range(0, width))
    assert header.most_common(1)[0][0] == (0x1F, 0x3B, 0x5C), "the header band is drawn"

    tesseract = shutil.which("tesseract")
    if tesseract is None:
        print("tesseract not installed: the OCR check of the screenshot was skipped")
        return
    ocr = subprocess.run([tesseract, str(shot), "stdout"], capture_output=True, text=True,
                         timeout=120)
    assert ocr.returncode == 0, ocr.stderr
    squeezed = ocr.stdout.replace(" ", "")
    assert "Qwen/Qwen2.5-0.5B-Instruct" in squeezed, ocr.stdout
