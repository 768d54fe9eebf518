"""The shortcuts deckgen takes around WeasyPrint's slow steps give the very same PDF.

Three of them: a slide HTML from deckgen's own layouts is read with the XML parser when
that builds the same tree as the HTML5 parser (``render_pdf.xhtml_tree``), a raster
image is encoded for the PDF once per renderer instead of once per document, and the native
libraries WeasyPrint asks for are looked up in the usual folders (listed once) instead of
through ``ctypes.util.find_library``.
"""

from __future__ import annotations

import pytest
import tinyhtml5
from conftest import EXAMPLE_DIR, run_cli_ok
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from deckgen import render_pdf
from deckgen.build import Builder, BuildOptions
from deckgen.layouts import Sandbox, builtin_layouts_only, environment, layout_path
from deckgen.load import load_decks
from deckgen.render_pdf import PdfRenderer, render_html, xhtml_tree


def differences(a, b, path: str = "") -> list[str]:
    """Where two element trees differ (tag, attributes, text, tail, children), if anywhere."""
    here = f"{path}/{a.tag}"
    if a.tag != b.tag:
        return [f"{path}: <{a.tag}> != <{b.tag}>"]
    found = []
    if dict(a.attrib) != dict(b.attrib):
        found.append(f"{here}: attributes {dict(a.attrib)} != {dict(b.attrib)}")
    if (a.text or None) != (b.text or None):
        found.append(f"{here}: text {a.text!r} != {b.text!r}")
    if (a.tail or None) != (b.tail or None):
        found.append(f"{here}: tail {a.tail!r} != {b.tail!r}")
    if len(a) != len(b):
        return [*found, f"{here}: {len(a)} children != {len(b)}"]
    for x, y in zip(a, b):
        found.extend(differences(x, y, here))
    return found


def html5_tree(html: str):
    """The tree WeasyPrint's own HTML parser builds."""
    return tinyhtml5.parse(html, namespace_html_elements=False)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory) -> list:
    """The example deck composed in every locale: (scene, layout environment, sandbox)."""
    builder = Builder(BuildOptions(out=tmp_path_factory.mktemp("unused"), formats=("pptx",)))
    found: list = []
    builder.on_scene = lambda scene, brand: found.append(scene)
    for unit in builder.plan(load_decks([EXAMPLE_DIR])):
        builder.render_unit(unit)  # composes; a PPTX-only build draws nothing yet
        found[-1] = (found[-1], *builder._env(unit))
    assert [s.locale for s, _, _ in found] == ["en", "de", "el", "es", "fr", "nl"]
    return found


@pytest.fixture(scope="module")
def example_html(scenes) -> str:
    scene, env, _ = scenes[0]
    return render_html(scene, env)


def test_every_locale_of_the_example_is_read_as_xml_into_the_html_tree(scenes):
    for scene, env, _ in scenes:
        html = render_html(scene, env)
        assert builtin_layouts_only(env)
        tree = xhtml_tree(html)
        assert tree is not None, scene.locale  # the fast path is taken for deckgen's own layouts
        assert differences(html5_tree(html), tree) == [], scene.locale


def test_alike_inline_styles_become_one_rule_each(example_html):
    from deckgen.render_pdf import share_styles

    tree = xhtml_tree(example_html)
    styles = [e.get("style") for e in tree.iter() if e.get("style")]
    share_styles(tree)
    assert not [e for e in tree.iter() if e.get("style")]
    rules = tree.find("head")[-1].text.splitlines()
    assert len(rules) == len(set(styles)) < len(styles)  # alike paragraphs share one rule
    first = next(e for e in tree.iter() if "deckgen-s0" in (e.get("class") or "").split())
    assert rules[0] == f".deckgen-s0.deckgen-s0.deckgen-s0 {{ {styles[0]} }}"
    assert first.get("class").startswith("slide ")  # the class it had is kept


def test_a_layout_override_turns_the_xml_reading_off(tmp_path):
    deck = tmp_path / "deck"
    (deck / "layouts" / "slides").mkdir(parents=True)
    override = "<section><p>{{ slide.title }}<div>x</div></p></section>"  # HTML, not XML: a <p> ends at <div>
    (deck / "layouts" / "slides" / "quote.html.j2").write_text(override)
    sandbox = Sandbox({"deck.invalid": deck})
    own = environment(layout_path(None, None), sandbox)
    own.get_template("deck.html.j2")
    assert builtin_layouts_only(own)
    overridden = environment(layout_path(deck, None), sandbox)
    overridden.get_template("deck.html.j2")
    assert builtin_layouts_only(overridden)  # nothing of the deck's used yet
    overridden.get_template("slides/quote.html.j2")
    assert not builtin_layouts_only(overridden)


@pytest.mark.parametrize("html", [
    '<!DOCTYPE html><html><body><p>a<!-- comment -->b</p></body></html>',  # comments are kept by HTML only
    '<!DOCTYPE html><html><body><p><![CDATA[x]]></p></body></html>',
    '<?xml version="1.0"?><html><body></body></html>',
    '<html><body><img alt="two\nlines" /></body></html>',  # XML makes the line break a space
    '<html><body><img alt="a\ttab" /></body></html>',
    '<html><head><style>p::after { content: "&amp;" }</style></head><body></body></html>',  # raw text in HTML
    '<html><body><p>\x0c</p></body></html>',  # a character XML forbids
    '<html><body><p>unclosed</body></html>',
    '<html><body><br></body></html>',
    '<html><head></head></html>',  # no body
    '<html><body></body><p>after the body</p></html>',
])
def test_what_xml_could_read_differently_goes_to_the_html_parser(html):
    assert xhtml_tree(html) is None


def test_white_space_around_the_structure_lands_where_html_puts_it():
    html = '<!DOCTYPE html>\n<html lang="en">\n<head>\n<title>t</title>\n</head>\n<body>\n<p>x</p>\n</body>\n</html>\n'
    assert differences(html5_tree(html), xhtml_tree(html)) == []
    empty = "<html>\n<head></head><body></body>\n</html>\n"
    assert differences(html5_tree(empty), xhtml_tree(empty)) == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(), attribute=st.text())
@example(text="]]>&amp;<!--x-->", attribute='"\n\t\r')
@example(text="\r\n\x85\u2028\ufffe\ud800", attribute="\x00")
def test_any_text_gives_the_html_tree_or_the_html_parser(example_html, text, attribute):
    """Whatever a deck's text or alt text is (escaped, as the layouts do), XML reads it as HTML does, or is not used."""
    html = example_html.replace("Healthcare Social Media in Europe", str(escape(text)), 1)
    html = html.replace('alt="Healthcare Social Media Europe"', f'alt="{escape(attribute)}"', 1)
    tree = xhtml_tree(html)
    if tree is not None:
        assert differences(html5_tree(html), tree) == []


@pytest.mark.slow
def test_the_pdfs_are_the_same_bytes_read_either_way(project, monkeypatch):
    run_cli_ok("build", EXAMPLE_DIR, "--format", "pdf", "--out", "xml", "--jobs", "1")
    monkeypatch.setattr(render_pdf, "xhtml_tree", lambda html: None)
    run_cli_ok("build", EXAMPLE_DIR, "--format", "pdf", "--out", "html", "--jobs", "1")
    pdfs = sorted(p.relative_to(project / "xml") for p in (project / "xml").rglob("*.pdf"))
    assert len(pdfs) == 6
    for pdf in pdfs:
        assert (project / "xml" / pdf).read_bytes() == (project / "html" / pdf).read_bytes(), pdf


def test_an_image_is_encoded_once_per_renderer_with_the_same_bytes(scenes, monkeypatch):
    from weasyprint.images import RasterImage

    encoded: list[int] = []
    original = RasterImage._get_png_data
    monkeypatch.setattr(RasterImage, "_get_png_data",
                        staticmethod(lambda image: encoded.append(1) or original(image)))
    (en, env, sandbox), (fr, fr_env, fr_sandbox) = scenes[0], scenes[4]
    fresh = []
    for scene, scene_env, scene_sandbox in (scenes[0], scenes[4]):
        renderer = PdfRenderer()
        try:
            fresh.append(renderer.render(scene, scene_env, scene_sandbox))
        finally:
            renderer.close()
    per_document = len(encoded)
    assert per_document >= 4  # two documents, each with the diagram and the logo (colour and alpha)
    encoded.clear()
    shared = PdfRenderer()
    try:
        assert [shared.render(en, env, sandbox), shared.render(fr, fr_env, fr_sandbox)] == fresh
    finally:
        shared.close()
    assert len(encoded) == per_document // 2  # the second document reused the first one's images


#: every name WeasyPrint 70 tries for its native libraries, and a few more
LIBRARY_NAMES = [
    "libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0", "libpango-1.0-0", "pango-1.0-0",
    "pango-1.0", "libpango-1.0.so.0", "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
    "libharfbuzz-subset-0", "harfbuzz-subset", "libharfbuzz-vector-0", "harfbuzz-vector", "libfontconfig-1",
    "fontconfig-1", "fontconfig", "libfontconfig.so.1", "libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0",
    "c", "m", "z", "png16", "glib-2.0", "no-such-library-here", "gobject-2.0.0.dylib", "libgobject-2.0-0.dll",
]


@pytest.mark.skipif(not render_pdf._lib_dirs(), reason="no library folders")
@pytest.mark.parametrize("name", LIBRARY_NAMES)
def test_the_quick_library_lookup_finds_what_a_glob_of_the_folders_finds(name: str):
    """``_find_library_quickly`` lists each folder once; the answer is the first sorted match of
    ``lib<name>.so*`` in the first folder that has one, as a glob of each folder gives."""
    import glob

    stem = name if name.startswith("lib") else f"lib{name}"
    expected = None
    for folder in render_pdf._lib_dirs():
        found = sorted(glob.glob(f"{folder}/{glob.escape(stem)}.so*"))
        if found:
            expected = found[0]
            break
    assert render_pdf._find_library_quickly(name) == expected
