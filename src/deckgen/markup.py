"""Inline markup: one place turns deck text into runs every renderer reads.

Supported, in deck files and translations alike:

* ``**bold**``, ``*italic*`` (CommonMark emphasis, parsed by markdown-it-py),
* ``[text](https://…)`` links and ``<https://…>`` autolinks,
* ``^sup^`` superscript (the French ``1^er^``) and ``~sub~`` subscript,
* bare ``https://…`` / ``www.…`` addresses and ``name@example.org`` e-mail addresses,
* ``#hashtags`` and ``@handles``, linked to the brand's social network,
* a trailing backslash for a line break.

Raw HTML is never interpreted: ``<b>`` stays the three characters ``<b>``.  Links
may only use ``http``, ``https`` and ``mailto``; any other link (``javascript:``,
``file:``, ``data:``) is shown as the literal text that was typed.  A backslash
escapes a mark: ``\\#tag`` is the text ``#tag``, not a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

__all__ = ["Run", "LinkStyle", "parse", "plain_text", "markup_signature"]

SAFE_SCHEMES = ("http://", "https://", "mailto:")


@dataclass(frozen=True)
class Run:
    """A stretch of text with one formatting; ``text == "\\n"`` is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    sup: bool = False
    sub: bool = False
    href: str | None = None
    kind: str = "text"  # text | link | hashtag | handle | email | url


@dataclass(frozen=True)
class LinkStyle:
    """How hashtags and handles become links (set by the brand)."""

    hashtag_url: str = "https://twitter.com/hashtag/{tag}"
    handle_url: str = "https://twitter.com/{handle}"


DEFAULT_LINKS = LinkStyle()

@lru_cache(maxsize=None)
def _markdown() -> Any:
    """The inline Markdown parser, made on first use: the PDF workers hold runs, they never parse."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("zero").enable(["emphasis", "link", "autolink", "escape", "newline"])
    # keep backslash escapes as separate tokens, so "\\#tag" stays a literal "#tag"
    md.core.ruler.disable("text_join")
    md.validateLink = lambda url: url.lower().startswith(SAFE_SCHEMES)  # type: ignore[method-assign]
    # show addresses exactly as typed: no percent-decoding (%3C -> <), no punycode look-alikes
    md.normalizeLinkText = lambda url: url  # type: ignore[method-assign]
    return md


# Order matters: addresses first, so "#!" inside a URL or "@" in an e-mail address
# is not taken for a hashtag or handle.
_TOKEN_RE = re.compile(
    r"(?P<url>\b(?:https?://|www\.)[^\s<>\"]*[^\s<>\".,;:!?)\]])"
    r"|(?P<email>\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b)"
    r"|(?P<hashtag>(?<![\w&/#])#(?P<tag>[^\W\d_][\w]*))"
    r"|(?P<handle>(?<![\w.@/])@(?P<name>\w{1,30}))"
    r"|(?P<sup>\^(?P<suptext>[^\s^]{1,20})\^)"
    r"|(?P<sub>~(?P<subtext>[^\s~]{1,20})~)"
)


_BARE_URL_RE = re.compile(r"(?<![<\[/\w@.])(?:https?://|www\.)[^\s<>\"]+")
_MD_ESCAPE = re.compile(r"([\\`*_\[\]<>#@^~()])")


def _trim_url(url: str) -> str:
    """Drop trailing punctuation from a bare address, but keep a closing bracket that it opened."""
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    while url and url[-1] in ".,;:!?'\"":
        url = url[:-1]
    return url


def _protect_urls(text: str) -> str:
    """Turn bare addresses into explicit links before parsing, so emphasis marks inside them
    (``__init__``, ``*``) stay part of the address."""
    out, pos = [], 0
    for m in _BARE_URL_RE.finditer(text):
        url = _trim_url(m.group())
        if not url or (m.start() >= 2 and text[m.start() - 2:m.start()] == "]("):
            continue
        before = text[pos:m.start()]
        # a backslash typed just before the address is a character, not an escape of the '<' or
        # '[' added here: double it (an odd run of backslashes would swallow that mark)
        if (len(before) - len(before.rstrip("\\"))) % 2:
            before += "\\"
        out.append(before)
        if url.lower().startswith(("http://", "https://")):
            out.append(f"<{url}>")
        else:  # www.…: keep the text as written, link to https://
            shown = _MD_ESCAPE.sub(r"\\\1", url)
            out.append(f"[{shown}](https://{url})")
        pos = m.start() + len(url)
    out.append(text[pos:])
    return "".join(out)


def _split_text(text: str, base: Run, links: LinkStyle) -> list[Run]:
    out: list[Run] = []
    pos = 0
    for m in _TOKEN_RE.finditer(text):
        if m.start() > pos:
            out.append(replace(base, text=text[pos : m.start()]))
        pos = m.end()
        linked = base.href is not None
        if m.group("url"):
            url = m.group("url")
            href = base.href or (url if url.lower().startswith(("http://", "https://")) else "https://" + url)
            out.append(replace(base, text=url, href=href, kind=base.kind if linked else "url"))
        elif m.group("email"):
            addr = m.group("email")
            out.append(replace(base, text=addr, href=base.href or f"mailto:{addr}",
                               kind=base.kind if linked else "email"))
        elif m.group("hashtag"):
            tag = m.group("tag")
            href = base.href or links.hashtag_url.format(tag=tag)
            out.append(replace(base, text=m.group("hashtag"), href=href,
                               kind=base.kind if linked else "hashtag"))
        elif m.group("handle"):
            name = m.group("name")
            href = base.href or links.handle_url.format(handle=name)
            out.append(replace(base, text=m.group("handle"), href=href,
                               kind=base.kind if linked else "handle"))
        elif m.group("sup"):
            out.append(replace(base, text=m.group("suptext"), sup=True))
        elif m.group("sub"):
            out.append(replace(base, text=m.group("subtext"), sub=True))
    if pos < len(text):
        out.append(replace(base, text=text[pos:]))
    return out


def _merge(runs: list[Run]) -> tuple[Run, ...]:
    merged: list[Run] = []
    for run in runs:
        if not run.text:
            continue
        prev = merged[-1] if merged else None
        if (prev is not None and run.text != "\n" and prev.text != "\n"
                and replace(prev, text="") == replace(run, text="")):
            merged[-1] = replace(prev, text=prev.text + run.text)
        else:
            merged.append(run)
    return tuple(merged)


@lru_cache(maxsize=4096)
def parse(text: str, links: LinkStyle = DEFAULT_LINKS) -> tuple[Run, ...]:
    """Parse one paragraph of inline markup into runs.

    >>> [(r.text, r.bold) for r in parse("a **b**")]
    [('a ', False), ('b', True)]
    """
    text = text.strip()
    if not text:
        return ()
    tokens = _markdown().parseInline(_protect_urls(text))
    children = tokens[0].children or [] if tokens else []
    runs: list[Run] = []
    bold = italic = 0
    href: str | None = None
    kind = "text"
    literal_link = False  # "[text]()": no target, shown as typed
    for tok in children:
        t = tok.type
        if t == "strong_open":
            bold += 1
        elif t == "strong_close":
            bold -= 1
        elif t == "em_open":
            italic += 1
        elif t == "em_close":
            italic -= 1
        elif t == "link_open":  # validateLink above admits only SAFE_SCHEMES
            href = str(tok.attrs.get("href", "")) or None
            literal_link = href is None
            kind = "url" if tok.markup == "autolink" else "link"
            if literal_link:
                runs.append(Run("[", bold > 0, italic > 0))
        elif t == "link_close":
            if literal_link:
                runs.append(Run("]()", bold > 0, italic > 0))
            href, kind, literal_link = None, "text", False
        elif t == "softbreak":
            runs.append(Run(" ", bold > 0, italic > 0, href=href, kind=kind if href else "text"))
        elif t == "hardbreak":
            runs.append(Run("\n"))
        elif t == "text_special":  # a backslash escape: literal
            runs.append(Run(tok.content, bold > 0, italic > 0, href=href, kind=kind if href else "text"))
        elif t in ("text", "html_inline", "code_inline"):
            base = Run("", bold > 0, italic > 0, href=href, kind=kind if href else "text")
            runs.extend(_split_text(tok.content, base, links))
        else:  # pragma: no cover - every rule enabled above is handled
            runs.append(Run(tok.content))
    return _merge(runs)


def plain_text(runs: tuple[Run, ...] | list[Run]) -> str:
    """The text of *runs* without formatting (line breaks kept as ``\\n``)."""
    return "".join(r.text for r in runs)


_SIGNATURE_RE = re.compile(r"\*\*|(?<!\*)\*(?!\*)|\^|~|\]\(|%\(\w+\)[sd]|\{\w+\}")


def markup_signature(text: str) -> tuple[int, int, int, int, int, frozenset[str]]:
    """Summarise the markup of *text*: counts of bold/italic/sup/sub/link marks and placeholders.

    Used to check a translation keeps the source's markup and placeholders.
    """
    runs = parse(text)
    bold = sum(1 for i, r in enumerate(runs) if r.bold and (i == 0 or not runs[i - 1].bold))
    italic = sum(1 for i, r in enumerate(runs) if r.italic and (i == 0 or not runs[i - 1].italic))
    sup = sum(1 for r in runs if r.sup)
    sub = sum(1 for r in runs if r.sub)
    links = len({r.href for r in runs if r.kind == "link"})
    placeholders = frozenset(re.findall(r"%\(\w+\)[sd]|\{\w+\}", text))
    return bold, italic, sup, sub, links, placeholders
