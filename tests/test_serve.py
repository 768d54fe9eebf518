"""``deckgen serve`` over HTTP, through the real command: what it serves, what it refuses, what it writes."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLE_DIR, copy_project
from serving import Served

pytestmark = pytest.mark.slow

PO_FR = EXAMPLE_DIR / "locales" / "fr" / "LC_MESSAGES" / "deck.po"


@pytest.fixture
def served(project: Path) -> Iterator[Served]:
    server = Served(project, str(EXAMPLE_DIR))
    yield server
    server.stop()


def state(body: bytes) -> dict:
    found = re.search(rb'<script type="application/json" id="dg-state">(.*?)</script>', body, re.S)
    assert found
    return json.loads(found.group(1))


def write_headers(server: Served, token: str) -> dict[str, str]:
    return {"Origin": server.base, "X-Deckgen-Page": token, "Content-Type": "application/json"}


def save_body(string: str, base: str = "Notre mission") -> dict:
    return {"locale": "fr", "context": "mission.title", "id": "Our mission", "string": string, "base": base,
            "fuzzy": False, "version": ""}


def test_it_listens_on_loopback_and_serves_the_page(served: Served) -> None:
    assert served.url.startswith("http://127.0.0.1:")
    status, headers, body = served.request("GET", "/")
    assert status == 200
    assert b"<title>#hcsmeu: one year, and a French chapter \xc2\xb7 deckgen serve</title>" in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    views = state(body)["views"]
    assert views[0]["locale"] == "en" and views[0]["total"] == 15
    for name in ("serve.js", "serve.css", "slides.css"):
        assert served.request("GET", f"/static/{name}")[0] == 200


def test_the_files_the_slides_use_are_served(served: Served) -> None:
    css = state(served.request("GET", "/")[2])["views"][0]["css"]
    font = re.search(r'url\("(/asset/project/[^"]+)"\)', css).group(1)  # type: ignore[union-attr]
    status, headers, body = served.request("GET", font)
    assert status == 200 and body[:4] == b"\x00\x01\x00\x00"  # a TrueType font
    status, _, body = served.request("GET", "/asset/deck/ecosystem.png")
    assert status == 200 and body.startswith(b"\x89PNG")


@pytest.mark.parametrize("path", [
    "/asset/project/../../../../../etc/passwd",
    "/asset/project/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/asset/deck/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/asset/deck/..%2f..%2fassets/brands/hcsmeu/brand.yaml",
    "/asset/project/assets/brands/hcsmeu/brand.yaml",  # inside the project, but no slide uses it
    "/asset/deck/deck.yaml",
    "/asset/deck/locales/fr/LC_MESSAGES/deck.po",
    "/static/..%2fserve.py",
    "/static/serve.html.j2",
    "/../../etc/passwd",
])
def test_no_other_file_is_served(served: Served, path: str) -> None:
    status, _, body = served.request("GET", path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body and b"colors:" not in body


def test_a_link_out_of_the_project_is_not_followed(served: Served, project: Path, tmp_path: Path) -> None:
    address = "/asset/project/assets/brands/hcsmeu/logo-dark.png"
    html = state(served.request("GET", "/")[2])["views"][0]["slides"]["1"]["html"]
    assert address in html and served.request("GET", address)[0] == 200  # the layouts asked for it
    logo = project / "assets" / "brands" / "hcsmeu" / "logo-dark.png"
    outside = tmp_path / "secret.png"
    shutil.copy(logo, outside)
    logo.unlink()
    logo.symlink_to(outside)  # now it leads out of the project
    status, _, body = served.request("GET", address)
    assert status == 404 and not body.startswith(b"\x89PNG")
    # and the page says why it cannot draw the slides (as the build would refuse the PDF)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        view = state(served.request("GET", "/")[2])["views"][0]
        if view["stale"]:
            break
        time.sleep(0.1)
    assert re.search(r"logo-dark\.png is a symbolic link to .*secret\.png, outside the project", view["problems"][0])


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.2:1"])
def test_a_request_naming_another_host_is_refused(served: Served, host: str) -> None:
    """A page of another site whose name points at 127.0.0.1 (DNS rebinding) gets nothing."""
    status, _, body = served.request("GET", "/", {"Host": host})
    assert status == 403 and b"dg-state" not in body
    assert served.request("GET", "/", {"Host": f"localhost:{served.port}"})[0] == 200


def test_with_host_every_request_needs_the_token(project: Path) -> None:
    server = Served(project, str(EXAMPLE_DIR), "--host", "127.0.0.1")
    try:
        token = re.search(r"\?token=([^&\s]+)", server.url).group(1)  # type: ignore[union-attr]
        assert "anyone who can reach this machine" in " ".join(server.lines)
        for path in ("/", "/events", "/static/serve.js", "/asset/deck/ecosystem.png", "/export.html"):
            status, _, body = server.request("GET", path)
            assert status == 403 and b"access token" in body, path
        assert server.request("GET", "/?token=wrong")[0] == 403
        status, headers, _ = server.request("GET", f"/?token={token}&locale=fr")
        assert status == 303 and headers["location"] == "/?locale=fr"  # the token leaves the address bar
        cookie = headers["set-cookie"].split(";")[0]
        assert "httponly" in headers["set-cookie"].lower() and "samesite=strict" in headers["set-cookie"].lower()
        assert server.request("GET", "/?locale=fr", {"Cookie": cookie})[0] == 200
        assert server.request("GET", "/asset/deck/ecosystem.png", {"Cookie": cookie})[0] == 200
    finally:
        server.stop()


def test_a_translation_is_saved_only_from_the_page(served: Served, project: Path) -> None:
    token = served.page_token("/?locale=fr&mode=translate")
    before = PO_FR.read_bytes()
    good = write_headers(served, token)
    refused = [
        {k: v for k, v in good.items() if k != "Origin"},
        {**good, "Origin": "http://evil.example"},
        {**good, "Origin": f"http://localhost:{served.port + 1}"},
        {k: v for k, v in good.items() if k != "X-Deckgen-Page"},
        {**good, "X-Deckgen-Page": "made.up"},
        {**good, "X-Deckgen-Page": token.split(".")[0] + ".0123456789abcdef0123456789abcdef"},
    ]
    for headers in refused:
        status, _, body = served.request("POST", "/api/save", headers, save_body("Notre but"))
        assert status == 403, (headers, body)
    status, _, _ = served.request("POST", "/api/save", {**good, "Content-Type": "text/plain"}, save_body("x"))
    assert status == 415
    assert PO_FR.read_bytes() == before
    status, _, body = served.request("POST", "/api/save", good, save_body("Notre but"))
    assert status == 200 and json.loads(body)["status"] == "saved"
    assert 'msgstr "Notre but"' in PO_FR.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", ["en", "it", "../../../../tmp", "fr/../de"])
def test_only_the_deck_s_catalogs_are_written(served: Served, project: Path, locale: str) -> None:
    token = served.page_token()
    before = {p: p.read_bytes() for p in (project / EXAMPLE_DIR).rglob("*.po")}
    status, _, body = served.request("POST", "/api/save", write_headers(served, token),
                                     {**save_body("x"), "locale": locale})
    assert status in (400, 404), body
    assert {p: p.read_bytes() for p in (project / EXAMPLE_DIR).rglob("*.po")} == before


def test_what_the_build_refuses_is_not_written(served: Served) -> None:
    token = served.page_token()
    before = PO_FR.read_bytes()
    status, _, body = served.request("POST", "/api/save", write_headers(served, token), save_body("%(number)s but"))
    assert status == 200 and json.loads(body)["status"] == "invalid"
    assert "placeholders" in json.loads(body)["problems"][0]
    assert json.loads(body)["problems"][0].startswith("decks/hcsmeu-anniversary/locales/fr/LC_MESSAGES/deck.po:")
    assert PO_FR.read_bytes() == before


def test_a_conflict_returns_both_texts(served: Served) -> None:
    token = served.page_token()
    PO_FR.write_text(PO_FR.read_text(encoding="utf-8").replace('msgstr "Notre mission"', 'msgstr "Leur mission"'),
                     encoding="utf-8")
    on_disk = PO_FR.read_bytes()
    status, _, body = served.request("POST", "/api/save", write_headers(served, token), save_body("Notre but"))
    assert status == 200 and json.loads(body)["status"] == "conflict"
    assert json.loads(body)["theirs"] == "Leur mission"
    assert PO_FR.read_bytes() == on_disk


def test_the_preview_shows_the_typed_text_and_writes_nothing(served: Served) -> None:
    token = served.page_token()
    before = PO_FR.read_bytes()
    status, _, body = served.request("POST", "/api/preview", write_headers(served, token),
                                     {"locale": "fr", "context": "mission.title", "id": "Our mission",
                                      "string": "Notre <b>mission</b>"})
    assert status == 200
    preview = json.loads(body)
    assert list(preview["slides"]) == ["3"]
    assert "Notre &lt;b&gt;mission&lt;/b&gt;" in preview["slides"]["3"]["html"]
    assert PO_FR.read_bytes() == before


def read_event(response: http.client.HTTPResponse) -> dict:
    """The next data event of a Server-Sent Events stream (comments skipped)."""
    data = []
    while True:
        line = response.fp.readline().decode()
        if line.startswith("data: "):
            data.append(line[6:].rstrip("\n"))
        elif line == "\n" and data:
            return json.loads("".join(data))


def test_events_bring_only_the_changed_slide(served: Served, project: Path) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    conn.request("GET", "/events?locale=en&locale=fr")
    response = conn.getresponse()
    assert response.status == 200 and response.getheader("content-type").startswith("text/event-stream")
    first = [read_event(response), read_event(response)]
    assert [e["locale"] for e in first] == ["en", "fr"] and all(len(e["slides"]) == 15 for e in first)
    deck = project / EXAMPLE_DIR / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("title: Our mission", "title: Our new mission"),
                    encoding="utf-8")
    updates = {e["locale"]: e for e in (read_event(response), read_event(response))}
    assert list(updates["en"]["slides"]) == ["3"] and "Our new mission" in updates["en"]["slides"]["3"]["html"]
    assert list(updates["fr"]["slides"]) == ["3"]  # untranslated now: marked
    assert updates["fr"]["slides"]["3"]["marks"][0]["kind"] == "missing"
    conn.close()


def test_ctrl_c_stops_it_even_with_a_page_open(served: Served) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    conn.request("GET", "/events")
    response = conn.getresponse()
    read_event(response)
    started = time.monotonic()
    assert served.stop() == 0
    assert time.monotonic() - started < 5
    conn.close()


def run(project: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deckgen", "serve", *args], cwd=project, capture_output=True,
                          text=True, timeout=timeout)


def test_an_unknown_locale_or_brand_is_an_error(project: Path) -> None:
    result = run(project, str(EXAMPLE_DIR), "--locale", "it", "--port", "0")
    assert result.returncode == 1
    assert "Error: deck 'hcsmeu-anniversary' has no catalog for it (available: en, de, el, es, fr, nl)" in result.stderr
    result = run(project, str(EXAMPLE_DIR), "--brand", "nope", "--port", "0")
    assert result.returncode == 1 and "unknown brand 'nope'" in result.stderr and "Traceback" not in result.stderr


def test_translate_needs_a_locale(project: Path) -> None:
    result = run(project, str(EXAMPLE_DIR), "--translate")
    assert result.returncode == 2 and "--translate needs --locale" in result.stderr


def test_a_port_in_use_is_an_error(served: Served, project: Path) -> None:
    result = run(project, str(EXAMPLE_DIR), "--port", str(served.port))
    assert result.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1:{served.port}" in result.stderr and "--port" in result.stderr


def test_a_project_with_several_decks_needs_one_named(project: Path) -> None:
    shutil.copytree(project / EXAMPLE_DIR, project / "decks" / "other")
    result = run(project)
    assert result.returncode == 1 and "several decks" in result.stderr


def test_a_broken_deck_is_served_with_its_problem(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    deck = root / EXAMPLE_DIR / "deck.yaml"
    deck.write_text(deck.read_text(encoding="utf-8").replace("title: Our mission", "title: [Our mission"),
                    encoding="utf-8")
    server = Served(root)  # the project's only deck
    try:
        view = state(server.request("GET", "/")[2])["views"][0]
        assert view["stale"] and view["problems"][0].startswith("decks/hcsmeu-anniversary/deck.yaml:")
    finally:
        server.stop()
    assert "Error: decks/hcsmeu-anniversary/deck.yaml:" in server.errors


def test_the_html_export_of_a_view(served: Served) -> None:
    status, headers, body = served.request("GET", "/export.html?locale=fr")
    assert status == 200 and b'<html lang="fr-FR">' in body
    assert "connect-src" not in headers["content-security-policy"]  # default-src 'none': it fetches nothing
    assert served.request("GET", "/export.html?locale=xx")[0] == 404
