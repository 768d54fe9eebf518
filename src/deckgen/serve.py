"""``deckgen serve``: the deck in a browser, redrawn as its files change, translated in place.

The web stack is Starlette (routes and responses) on uvicorn (HTTP), and watchfiles tells
when a file changes; :class:`~deckgen.live.LiveDeck` does the work and this module carries it:

* ``GET /`` the page (``web/serve.html.j2``, its script and style sheet from ``web/``, nothing
  from the internet), with the state of the view it shows;
* ``GET /events`` a stream of Server-Sent Events: the whole view on connection, then only the
  slides that changed, each time files change;
* ``POST /api/preview`` the slides as they look with a translation being typed; ``POST
  /api/save`` writes it to the deck's catalog (:mod:`deckgen.editing`);
* ``GET /asset/deck/…`` and ``/asset/project/…``: only the files the layouts asked for, read
  through the same sandbox as the PDF's; ``GET /export.html``: the HTML export of the view.

Security (docs/security.md): it listens on 127.0.0.1 unless ``--host`` is given, and then every
request must carry the access token printed at start (in the address, then in a cookie). On
loopback, a request naming another host (DNS rebinding) is refused. Writes also need the page's
own token (a keyed hash, so it cannot be made up) and an ``Origin`` of this server. Every
response forbids framing, sniffing and scripts from anywhere but the server itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import secrets
import socket
import sys
import traceback
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response, \
    StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import DeckgenError
from .layouts import Sandbox
from .live import LiveDeck
from .render_html import json_for_script, pages, WEB_DIR

DEFAULT_PORT = 8000
LOOPBACK = "127.0.0.1"
#: the page's own files under /static/
STATIC = {"serve.js": "text/javascript", "serve.css": "text/css", "slides.css": "text/css"}
#: watchfiles: yield changes once no new one came for this long (ms); an editor's save is
#: several events within a few milliseconds
WATCH_STEP_MS = 15
WATCH_DEBOUNCE_MS = 400
#: seconds between keep-alive comments on the event stream (a closed page is noticed then)
PING_SECONDS = 15
MAX_BODY = 256 * 1024
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: the HTML export is a page of its own, with its script and styles inline; it may fetch nothing
EXPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
              "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


@dataclass
class Settings:
    """How the server was started, and its secrets."""

    host: str = LOOPBACK
    port: int = DEFAULT_PORT
    token: str | None = None  # the access token (with --host); None on loopback
    locale: str | None = None  # what the page opens on
    brand: str | None = None
    translate: bool = False
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))  # signs the pages' tokens

    @property
    def cookie(self) -> str:
        return f"deckgen-{self.port}"

    def page_token(self) -> str:
        """A new token for one page: a random nonce and its keyed hash."""
        nonce = secrets.token_urlsafe(12)
        return f"{nonce}.{self._sign(nonce)}"

    def valid_page_token(self, token: str) -> bool:
        nonce, _, mac = token.partition(".")
        return bool(nonce) and hmac.compare_digest(mac, self._sign(nonce))

    def _sign(self, nonce: str) -> str:
        return hmac.new(self.secret, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def address(self) -> str:
        """The page's address to print: with the access token, the locale and the mode."""
        query: dict[str, str] = {}
        if self.token:
            query["token"] = self.token
        if self.locale:
            query["locale"] = self.locale
        if self.brand:
            query["brand"] = self.brand
        if self.translate:
            query["mode"] = "translate"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/" + (f"?{urlencode(query)}" if query else "")


class Hub:
    """The open event streams, and which views each one shows."""

    def __init__(self) -> None:
        self.streams: dict[asyncio.Queue[str | None], set[tuple[str, str | None]]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None  # the server's, once it runs

    def publish(self, items: list[tuple[tuple[str, str | None], dict[str, Any]]]) -> None:
        for key, payload in items:
            event = f"data: {json.dumps(payload, ensure_ascii=False, separators=(',', ':'))}\n\n"
            for queue, keys in self.streams.items():
                if key in keys:
                    queue.put_nowait(event)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for queue in self.streams:
            queue.put_nowait(None)

    def close_soon(self) -> None:
        """:meth:`close`, from a signal handler: in the server's own loop."""
        if self.loop is not None:
            self.loop.call_soon_threadsafe(self.close)


class Guard:
    """Refuses requests that lack the access token or name another host; sets the security headers."""

    def __init__(self, app: ASGIApp, settings: Settings, hub: Hub) -> None:
        self.app = app
        self.settings = settings
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        refusal = self._refusal(request)
        if refusal is not None:
            await _secured(refusal)(scope, receive, send)
            return
        if self.settings.token and request.query_params.get("token") and request.method == "GET":
            # the token came in the address: keep it in a cookie and take it out of the address
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            redirect = RedirectResponse(request.url.path + (f"?{urlencode(rest)}" if rest else ""), 303)
            redirect.set_cookie(self.settings.cookie, self.settings.token, httponly=True, samesite="strict")
            await _secured(redirect)(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                csp = next((v for k, v in message.get("headers", []) if k.lower() == b"content-security-policy"),
                           CSP.encode())
                message["headers"] = headers + _security_headers(csp)
            await send(message)

        await self.app(scope, receive, send_secured)

    def _refusal(self, request: Request) -> Response | None:
        s = self.settings
        if s.token is None:  # loopback: only addresses of this machine, never a name that merely points here
            host = request.headers.get("host", "")
            allowed = {f"{name}:{s.port}" for name in ("127.0.0.1", "localhost", "[::1]")}
            if host not in allowed:
                return PlainTextResponse("deckgen serve answers only to this machine's own addresses "
                                         f"(http://127.0.0.1:{s.port}/)", 403)
            return None
        given = (request.query_params.get("token") or request.cookies.get(s.cookie)
                 or request.headers.get("x-deckgen-token") or "")
        if not hmac.compare_digest(given.encode(), s.token.encode()):
            return PlainTextResponse("this server needs its access token: open the address that "
                                     "'deckgen serve' printed (it ends with ?token=...)", 403)
        return None


def _security_headers(csp: bytes) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", csp), (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
            (b"cross-origin-resource-policy", b"same-origin")]


def _secured(response: Response) -> Response:
    for name, value in _security_headers(CSP.encode()):
        response.headers[name.decode()] = value.decode()
    return response


def _write_refusal(request: Request, settings: Settings) -> Response | None:
    """Why a request that changes something (or may) is refused: not from this server's page."""
    origin = request.headers.get("origin", "")
    if origin != f"http://{request.headers.get('host', '')}":
        return JSONResponse({"problems": ["refused: this request does not come from the page of this server"]}, 403)
    if not settings.valid_page_token(request.headers.get("x-deckgen-page", "")):
        return JSONResponse({"problems": ["refused: the page's token is missing or wrong; reload the page"]}, 403)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return JSONResponse({"problems": ["refused: send JSON"]}, 415)
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        return JSONResponse({"problems": ["refused: too large"]}, 413)
    return None


def create_app(live: LiveDeck, settings: Settings, ready: Callable[[], None] = lambda: None) -> Guard:
    """The web application of one served deck; *ready* is called once it watches the files."""
    hub = Hub()
    sandbox = Sandbox({"deck.invalid": live.deck_dir, "project.invalid": live.project})

    def view_of(request: Request, locale: str | None) -> tuple[str, str | None]:
        """The view a request names; a locale or brand the deck does not have is refused."""
        locale = locale or settings.locale or live.language
        brand = request.query_params.get("brand", settings.brand) or None
        if live.loaded is not None and locale not in live.locales():
            raise _NotFound(f"this deck has no locale '{locale}'")
        if brand is not None and brand not in live.brands():
            raise _NotFound(f"this project has no brand '{brand}'")
        return locale, brand

    async def page(request: Request) -> Response:
        locale, brand = view_of(request, request.query_params.get("locale"))
        mode = request.query_params.get("mode", "translate" if settings.translate else "slides")
        if mode != "translate" or locale == live.language:
            mode = "slides"
        keys = [(locale, brand)] + ([(live.language, brand)] if mode == "translate" else [])
        states = [await anyio.to_thread.run_sync(live.snapshot, *key) for key in keys]
        html = pages().get_template("serve.html.j2").render(
            title=live.loaded.deck.title if live.loaded else live.deck_dir.name, mode=mode, locale=locale,
            brand=brand or "", language=live.language, locales=live.locales(), brands=live.brands(),
            state=json_for_script({"views": states, "mode": mode, "locale": locale, "brand": brand,
                                   "language": live.language, "deck": live.deck_dir.name}),
            page_token=settings.page_token(), css=states[0].get("css", ""))
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found", 404)
        return Response((WEB_DIR / name).read_bytes(), media_type=STATIC[name],
                        headers={"cache-control": "no-cache"})

    async def asset(request: Request) -> Response:
        path = request.scope["path"]  # decoded: %2e%2e is '..' here, and is no address the layouts gave
        if path not in live.html.served:
            return PlainTextResponse("not found", 404)
        kind, _, rel = path.removeprefix("/asset/").partition("/")
        try:  # the PDF's own sandbox: a regular file inside the deck or the project, links resolved
            body, ctype = sandbox.read(f"https://{kind}.invalid/{quote(rel)}")
        except (PermissionError, OSError):
            return PlainTextResponse("not found", 404)
        return Response(body, media_type=ctype, headers={"cache-control": "private, max-age=3600"})

    async def events(request: Request) -> Response:
        brand = request.query_params.get("brand") or None
        keys = [view_of(request, loc) for loc in request.query_params.getlist("locale")] or [view_of(request, None)]
        if any(k[1] != brand for k in keys):
            return PlainTextResponse("bad brand", 400)
        queue: asyncio.Queue[str | None] = asyncio.Queue()
        hub.streams[queue] = set(keys)

        async def stream() -> AsyncIterator[str]:
            try:
                for key in keys:
                    snapshot = await anyio.to_thread.run_sync(live.snapshot, *key)
                    yield f"data: {json.dumps(snapshot, ensure_ascii=False, separators=(',', ':'))}\n\n"
                while True:
                    try:
                        event = await asyncio.wait_for(queue.get(), PING_SECONDS)
                    except asyncio.TimeoutError:
                        yield ": ping\n\n"
                        continue
                    if event is None:
                        return
                    yield event
            finally:
                hub.streams.pop(queue, None)

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"cache-control": "no-store", "x-accel-buffering": "no"})

    async def preview(request: Request) -> Response:
        refused = _write_refusal(request, settings)
        if refused is not None:
            return refused
        body = await _json_body(request)
        locale, brand = view_of(request, str(body.get("locale") or ""))
        payload = await anyio.to_thread.run_sync(
            live.preview, locale, brand, body.get("context"), str(body.get("id", "")), body.get("string"))
        return JSONResponse(payload)

    async def save(request: Request) -> Response:
        refused = _write_refusal(request, settings)
        if refused is not None:
            return refused
        body = await _json_body(request)
        locale, brand = view_of(request, str(body.get("locale") or ""))
        saved, items = await anyio.to_thread.run_sync(
            live.save, locale, brand, body.get("context"), str(body.get("id", "")), body.get("string"),
            body.get("base"), bool(body.get("fuzzy")), str(body.get("version", "")))
        hub.publish(items)
        # a conflict or a refused text is an answer, not a failed request (the browser would log one)
        theirs = list(saved.theirs) if isinstance(saved.theirs, tuple) else saved.theirs
        return JSONResponse({"status": saved.status, "version": saved.stamp.digest if saved.stamp else None,
                             "theirs": theirs, "merged": saved.merged,
                             "problems": [str(p) for p in saved.problems]})

    async def export(request: Request) -> Response:
        locale, brand = view_of(request, request.query_params.get("locale"))
        data = await anyio.to_thread.run_sync(live.export, locale, brand)
        return Response(data, media_type="text/html; charset=utf-8",
                        headers={"content-security-policy": EXPORT_CSP, "cache-control": "no-store"})

    async def watch(stop: asyncio.Event) -> None:
        from watchfiles import awatch

        async for changes in awatch(*live.watched(), stop_event=stop, step=WATCH_STEP_MS,
                                    debounce=WATCH_DEBOUNCE_MS):
            try:
                items = await anyio.to_thread.run_sync(live.refresh, [Path(p) for _, p in changes])
            except Exception:  # a bug: say so in the terminal, and keep serving
                traceback.print_exc()
                continue
            hub.publish(items)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(stop))
        hub.loop = asyncio.get_running_loop()
        await asyncio.sleep(0.05)  # the watcher's first step has run: the folders are watched from now on
        # a file saved while the watcher was starting: take it in now
        hub.publish(await anyio.to_thread.run_sync(lambda: live.refresh(live.changed_on_disk())))
        ready()
        try:
            yield
        finally:
            stop.set()
            hub.close()
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(watcher, 2)

    app = Starlette(routes=[
        Route("/", page), Route("/static/{name}", static), Route("/asset/{rest:path}", asset),
        Route("/events", events), Route("/api/preview", preview, methods=["POST"]),
        Route("/api/save", save, methods=["POST"]), Route("/export.html", export),
    ], lifespan=lifespan, exception_handlers={DeckgenError: _deckgen_error, _NotFound: _not_found})
    return Guard(app, settings, hub)


class _NotFound(Exception):
    pass


async def _not_found(request: Request, exc: Exception) -> Response:
    return PlainTextResponse(str(exc), 404)


async def _deckgen_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DeckgenError)
    return JSONResponse({"problems": [str(p) for p in exc.problems]}, 400)


async def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise DeckgenError("the request is not JSON") from None
    if not isinstance(body, dict):
        raise DeckgenError("the request is not a JSON object")
    return body


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to *host*:*port*; a clear error when it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise DeckgenError(f"cannot listen on {host}:{port}: {exc.strerror}; choose another port with "
                           "--port (0 picks a free one)") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(deck_dir: Path, settings: Settings, fuzzy: bool = False,
          say: Callable[[str], None] = lambda line: None) -> None:
    """Serve the deck of *deck_dir* until interrupted; *say* receives the lines to print."""
    import uvicorn

    live = LiveDeck(deck_dir, fuzzy)
    if live.loaded is not None:  # a locale or brand the deck lacks is an error now, not a blank page
        if settings.locale and settings.locale not in live.locales():
            raise DeckgenError(f"deck '{live.loaded.deck.id}' has no catalog for {settings.locale} "
                               f"(available: {', '.join(live.locales())})")
        if settings.brand and settings.brand not in live.brands():
            raise DeckgenError(f"unknown brand '{settings.brand}' (known: {', '.join(live.brands())})")
    live.view(settings.locale, settings.brand)  # drawn before the first request
    if settings.translate:
        live.view(live.language, settings.brand)
    sock = _listen(settings.host, settings.port)
    settings.port = sock.getsockname()[1]
    def ready() -> None:
        say(f"serving {live.deck_dir.name} at {settings.address()}")
        for problem in live.problems:
            say(f"Error: {problem}")
        if settings.token:
            say("anyone who can reach this machine and has this address can see the deck and change its "
                "translations; from another machine, use this machine's name or address in it")
        say("press Ctrl+C to stop")
        sys.stdout.flush()

    app = create_app(live, settings, ready)
    config = uvicorn.Config(app, log_config=None, log_level="warning", access_log=False, lifespan="on",
                            ws="none", http="h11", loop="asyncio", server_header=False,
                            timeout_graceful_shutdown=2)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            app.hub.close_soon()  # end the event streams, or stopping waits for the pages to close
            super().handle_exit(sig, frame)

    try:
        Server(config).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn raises the Ctrl+C again once it has stopped: that is the way out
        pass
    # Ctrl-C is how a server is meant to end: exit code 0, not the 130 of an interrupted build
    from . import interrupts

    interrupts.forget()
