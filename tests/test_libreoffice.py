"""The built PPTX opened by another office suite: LibreOffice converts it to PDF without complaint."""

from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest
from conftest import EXAMPLE_SLIDES, EXAMPLE_TITLES
from pypdf import PdfReader

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def soffice() -> str:
    path = shutil.which("soffice")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is not installed; CI must install it")
        pytest.skip("soffice (LibreOffice) is not installed")
    return path


@pytest.fixture(scope="module")
def converted(soffice, built, tmp_path_factory):
    """The example PPTX converted to PDF by LibreOffice, with a throwaway user profile."""
    tmp = tmp_path_factory.mktemp("libreoffice")
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp), str(built.pptx)],
        capture_output=True, text=True, timeout=300,
    )
    return proc, tmp / built.pptx.with_suffix(".pdf").name


def test_conversion_succeeds(converted):
    proc, pdf = converted
    assert proc.returncode == 0, proc.stderr
    assert pdf.is_file(), f"no PDF written; stdout: {proc.stdout!r} stderr: {proc.stderr!r}"


def test_conversion_keeps_every_slide(converted):
    _, pdf = converted
    assert len(PdfReader(pdf).pages) == 15


def test_converted_pages_are_16_by_9(converted):
    _, pdf = converted
    for page in PdfReader(pdf).pages:
        assert float(page.mediabox.width) / float(page.mediabox.height) == pytest.approx(16 / 9, rel=1e-3)


@pytest.mark.parametrize("index, title", list(enumerate(EXAMPLE_TITLES)), ids=[s for s, _, _ in EXAMPLE_SLIDES])
def test_converted_pages_show_the_slide_titles(converted, index, title):
    _, pdf = converted
    text = re.sub(r"\s+", " ", PdfReader(pdf).pages[index].extract_text())
    assert title in text
