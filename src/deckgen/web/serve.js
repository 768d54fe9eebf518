// The page of 'deckgen serve': the deck's slides as the PDF draws them, kept up to date by the
// server's event stream (only slides that changed arrive), and in translator mode an editor
// that previews each keystroke on the slide and saves into the deck's catalog.
//
// Deck text only ever enters the page as text (textContent, value, title); the one exception
// is each slide's HTML, made by the deck's layouts, which escape every text they draw.
(function () {
  "use strict";

  const state = JSON.parse(document.getElementById("dg-state").textContent);
  const pageToken = document.querySelector('meta[name="dg-page"]').content;
  const mode = state.mode;
  const target = state.locale;
  const source = state.language;
  const brand = state.brand || "";
  const $ = (id) => document.getElementById(id);
  const main = $("dg-main");
  const strip = $("dg-strip");
  const editor = $("dg-editor");
  const deckCss = $("dg-deck-css");
  const views = {};
  const previews = {}; // slide index -> the target slide as it looks with the text being typed
  const entries = new Map(); // message key -> what the translator is doing with it
  let selection = null; // {slide: id, frame: name or null} or {deckWide: true}

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const keyOf = (m) => (m.context || "") + "\u0004" + (Array.isArray(m.id) ? m.id[0] : m.id);
  const pct = (x) => Math.round(x * 100) + " %";

  // --- scale: slides are drawn at 1280 x 720 px and scaled as a whole ----------------------
  function fit() {
    const width = main.clientWidth - 48;
    const columns = mode === "translate" ? 2 : 1;
    const scale = Math.max(0.15, Math.min(1, (width - (columns - 1) * 16) / columns / 1280));
    main.style.setProperty("--dg-scale", scale.toFixed(4));
  }
  new ResizeObserver(fit).observe(main);

  // --- drawing ---------------------------------------------------------------------------
  function drawSlide(box, slide) {
    box.dataset.id = slide.id;
    const scaler = el("div", {class: "dg-scaler"});
    scaler.innerHTML = slide.html; // the layouts' HTML: every deck text in it is escaped
    const layer = el("div", {class: "dg-marks", "aria-hidden": "true"});
    for (const mark of slide.marks) {
      if (!mark.box) continue;
      const [x, y, w, h] = mark.box;
      const node = el("div", {class: "dg-mark dg-kind-" + mark.kind, title: mark.text},
        el("span", {class: "dg-mark-label", text: mark.text}));
      node.style.cssText = `left:${x}pt;top:${y}pt;width:${w}pt;height:${h}pt`;
      layer.append(node);
    }
    scaler.append(layer);
    box.replaceChildren(scaler);
    if (selection && selection.slide === slide.id) highlight();
  }

  function item(n) {
    let node = main.querySelector(`.dg-item[data-n="${n}"]`);
    if (node) return node;
    const pair = el("div", {class: "dg-pair"});
    if (mode === "translate") {
      pair.append(el("div", {class: "dg-side"}, el("span", {class: "dg-side-label", text: source + " (source)"}),
        el("div", {class: "dg-slide dg-source"})));
      pair.append(el("div", {class: "dg-side"}, el("span", {class: "dg-side-label", text: target}),
        el("div", {class: "dg-slide dg-target"})));
    } else {
      pair.append(el("div", {class: "dg-slide dg-target"}));
    }
    node = el("section", {class: "dg-item", "data-n": n}, pair, el("div", {class: "dg-caption"}));
    main.append(node);
    const thumb = el("button", {type: "button", class: "dg-thumb", "data-n": n, "aria-label": "Slide " + (n + 1)},
      el("div", {class: "dg-slide"}), el("span", {class: "dg-thumb-n", text: String(n + 1)}));
    thumb.addEventListener("click", () => node.scrollIntoView({behavior: "smooth", block: "start"}));
    strip.append(thumb);
    return node;
  }

  function drawCaption(n, slide) {
    const caption = item(n).querySelector(".dg-caption");
    const notes = el("ul", {class: "dg-notes"});
    for (const mark of slide.marks) notes.append(el("li", {class: "dg-kind-" + mark.kind, text: mark.text}));
    caption.replaceChildren(el("span", {class: "dg-num", text: String(slide.n)}),
      el("span", {class: "dg-title", text: slide.title}), el("span", {class: "dg-id", text: slide.id}));
    if (slide.marks.length) caption.append(notes);
    const thumb = strip.querySelector(`.dg-thumb[data-n="${n}"]`);
    thumb.querySelector(".dg-thumb-warn")?.remove();
    if (slide.marks.length) thumb.append(el("span", {class: "dg-thumb-warn", text: String(slide.marks.length)}));
    drawSlide(thumb.querySelector(".dg-slide"), slide);
  }

  function trim(total) {
    for (const node of main.querySelectorAll(".dg-item")) if (+node.dataset.n >= total) node.remove();
    for (const node of strip.querySelectorAll(".dg-thumb")) if (+node.dataset.n >= total) node.remove();
  }

  function drawProblems() {
    const box = $("dg-problems");
    const problems = [...new Set(Object.values(views).flatMap((v) => v.problems || []))];
    document.body.classList.toggle("dg-stale", problems.length > 0);
    box.hidden = problems.length === 0;
    if (!problems.length) return box.replaceChildren();
    const list = el("ul");
    for (const p of problems) list.append(el("li", {text: p}));
    box.replaceChildren(el("strong", {text: "The files have problems; the slides below are the last ones that worked (stale) until they are fixed:"}), list);
  }

  function drawSummary() {
    const v = views[target];
    const marks = v ? v.slides.flatMap((s) => (s ? s.marks : [])) : [];
    $("dg-summary").textContent = marks.length ? marks.length + (marks.length === 1 ? " warning" : " warnings") : "";
  }

  // --- state from the server ---------------------------------------------------------------
  function apply(payload) {
    const v = views[payload.locale] || (views[payload.locale] = {version: -1, slides: []});
    if (payload.version < v.version) return; // an older state that arrived late
    v.version = payload.version;
    v.problems = payload.problems;
    v.slides.length = payload.total;
    const indices = Object.keys(payload.slides).map(Number);
    for (const i of indices) v.slides[i] = payload.slides[i];
    if ("css" in payload && payload.locale === target) deckCss.textContent = payload.css;
    if (payload.locale === target) {
      trim(payload.total);
      for (const i of indices) {
        delete previews[i];
        drawCaption(i, v.slides[i]);
        drawSlide(item(i).querySelector(".dg-target"), v.slides[i]);
      }
    } else if (mode === "translate" && payload.locale === source) {
      for (const i of indices) if (i < (views[target]?.slides.length ?? Infinity)) drawSlide(item(i).querySelector(".dg-source"), v.slides[i]);
    }
    if ("messages" in payload && payload.locale === target) {
      v.messages = payload.messages;
      v.catalog = payload.catalog;
      takeMessages(v);
    }
    drawProblems();
    drawSummary();
    if (mode === "translate" && payload.locale === target) {
      const typing = [...entries.values()].find((e) => e.dirty);
      if (typing) preview(typing); // the slide just redrawn shows the saved text: show the typed one again
      refreshRoom();
    }
    document.body.dataset.version = String(v.version);
  }

  const status = $("dg-status");
  function connect() {
    const query = new URLSearchParams();
    query.append("locale", target);
    if (mode === "translate") query.append("locale", source);
    if (brand) query.set("brand", brand);
    const stream = new EventSource("/events?" + query);
    let lost = false;
    stream.onopen = () => {
      if (lost) for (const v of Object.values(views)) v.version = -1; // the server may have restarted
      status.textContent = "live";
      status.className = "dg-status dg-live";
    };
    stream.onmessage = (event) => apply(JSON.parse(event.data));
    stream.onerror = () => {
      lost = true;
      status.textContent = "reconnecting…";
      status.className = "dg-status dg-down";
    };
  }

  // --- the toolbar ---------------------------------------------------------------------------
  function go(params) {
    const query = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(params)) v ? query.set(k, v) : query.delete(k);
    location.search = query.toString();
  }
  $("dg-locale").addEventListener("change", (e) => go({locale: e.target.value, mode: e.target.value === source ? "" : (mode === "translate" ? "translate" : "")}));
  $("dg-brand").addEventListener("change", (e) => go({brand: e.target.value}));
  for (const button of document.querySelectorAll(".dg-modes button")) {
    button.addEventListener("click", () => go({mode: button.dataset.mode === "translate" ? "translate" : ""}));
  }
  $("dg-show-marks").addEventListener("change", (e) => document.body.classList.toggle("dg-hide-marks", !e.target.checked));

  main.addEventListener("click", (event) => {
    const link = event.target.closest(".dg-slide a");
    if (link) event.preventDefault(); // the page stays; the link works in the PDF and the export
    if (mode !== "translate") return;
    const frame = event.target.closest(".frame");
    const box = event.target.closest(".dg-slide");
    if (!box || !box.dataset.id) return;
    select({slide: box.dataset.id, frame: frame ? frame.dataset.name : null});
  });

  // --- translator mode ---------------------------------------------------------------------
  function messages() {
    return (views[target] && views[target].messages) || [];
  }

  function highlight() {
    for (const node of main.querySelectorAll(".frame.dg-selected")) node.classList.remove("dg-selected");
    if (!selection || !selection.frame) return;
    for (const box of main.querySelectorAll(".dg-slide")) {
      if (box.dataset.id !== selection.slide) continue;
      for (const frame of box.querySelectorAll(".frame")) {
        if (frame.dataset.name === selection.frame) frame.classList.add("dg-selected");
      }
    }
  }

  function select(sel) {
    selection = sel;
    highlight();
    drawEditor();
  }

  function entryFor(message) {
    const key = keyOf(message);
    let entry = entries.get(key);
    if (!entry) {
      entry = {key, message, base: message.string, string: message.string, fuzzy: message.fuzzy, dirty: false};
      entries.set(key, entry);
    }
    return entry;
  }

  function takeMessages(v) {
    // A new catalog from disk: texts not being typed follow it; a typed one that now differs
    // on disk is a conflict, shown with both texts (the save would refuse it too).
    const byKey = new Map((v.messages || []).map((m) => [keyOf(m), m]));
    for (const entry of entries.values()) {
      const message = byKey.get(entry.key);
      if (!message) continue;
      entry.message = message;
      if (!entry.dirty) {
        entry.base = message.string;
        entry.string = message.string;
        entry.fuzzy = message.fuzzy;
        if (entry.areas) {  // shown: follow the file in place (redrawing would lose the cursor)
          const values = Array.isArray(entry.string) ? entry.string : [entry.string];
          entry.areas.forEach((area, i) => { area.value = values[i] || ""; });
          entry.node.querySelector(".dg-fuzzy").checked = entry.fuzzy;
        }
      } else if (!same(message.string, entry.base) && !same(message.string, entry.string)) {
        entry.conflict = message.string;
        if (entry.node) drawConflict(entry);
      }
    }
    if (mode === "translate" && !editor.contains(document.activeElement)) drawEditor();
  }

  function placesOf(message) {
    return message.places || [];
  }

  function drawEditor() {
    if (mode !== "translate") return;
    const all = messages();
    const nodes = [];
    const deckWide = el("button", {type: "button", class: "dg-linkish", text: "Texts that are not on a slide (deck properties, deckgen's own words)"});
    deckWide.addEventListener("click", () => select({deckWide: true}));
    if (!selection) {
      nodes.push(el("h2", {text: "Translate into " + target}),
        el("p", {class: "dg-help", text: "Click a text on a slide, in either language, to translate it. Each keystroke shows on the slide; Save (or Ctrl+Enter) writes it into the catalog."}),
        deckWide);
      const catalog = views[target]?.catalog;
      if (catalog) nodes.push(el("p", {class: "dg-help", text: "Catalog: " + catalog.file}));
      if (catalog && catalog.outdated) {
        nodes.push(el("p", {class: "dg-outdated", text: catalog.outdated + " text(s) of the deck are not in the catalog yet " +
          "(new or changed since the catalog was updated): run 'deckgen i18n update' to add them."}));
      }
      editor.replaceChildren(...nodes);
      return;
    }
    let shown;
    let others = [];
    if (selection.deckWide) {
      shown = all.filter((m) => placesOf(m).length === 0);
      nodes.push(el("h2", {text: "Texts not on a slide"}));
    } else {
      const onSlide = all.filter((m) => placesOf(m).some((p) => p[0] === selection.slide));
      shown = onSlide.filter((m) => placesOf(m).some((p) => p[0] === selection.slide && p[1] === selection.frame));
      others = onSlide.filter((m) => !shown.includes(m));
      nodes.push(el("h2", {text: "Slide " + selection.slide + (selection.frame ? " · " + selection.frame : "")}));
      if (!shown.length) {
        nodes.push(el("p", {class: "dg-help", text: selection.frame ? "No text of the deck in this box (a decoration, or deckgen's own words: see below)." : "Click a text of the slide."}));
      }
    }
    for (const m of shown) nodes.push(drawEntry(entryFor(m)));
    if (others.length) {
      const list = el("ul", {class: "dg-others"});
      for (const m of others) {
        const p = placesOf(m).find((x) => x[0] === selection.slide);
        const src = Array.isArray(m.id) ? m.id[0] : m.id;
        const button = el("button", {type: "button", class: "dg-linkish", text: src.length > 70 ? src.slice(0, 69) + "…" : src});
        button.addEventListener("click", () => select({slide: selection.slide, frame: p ? p[1] : null}));
        list.append(el("li", {}, button));
      }
      nodes.push(el("p", {class: "dg-label", text: "Also on this slide"}), list);
    }
    nodes.push(deckWide);
    editor.replaceChildren(...nodes);
    refreshRoom();
  }

  function forms(entry) {
    return Array.isArray(entry.message.id) ? (views[target].catalog?.plurals || 2) : 0;
  }

  function drawEntry(entry) {
    const m = entry.message;
    const node = el("article", {class: "dg-msg" + (entry.dirty ? " dg-dirty" : ""), "data-key": entry.key});
    entry.node = node;
    node.append(el("header", {}, el("code", {class: "dg-ctx", text: m.context || ""}),
      m.fuzzy ? el("span", {class: "dg-flag", text: "fuzzy"}) : null));
    if (m.current !== null && m.current !== undefined) {
      node.append(el("p", {class: "dg-outdated", text: "The deck's text has changed since the catalog was updated; " +
        "the slide shows the new text untranslated. Run 'deckgen i18n update' to bring it into the catalog. Now: "}),
        el("p", {class: "dg-text", text: m.current}));
    }
    node.append(el("span", {class: "dg-label", text: "Source (" + source + ")"}));
    const sources = Array.isArray(m.id) ? m.id : [m.id];
    sources.forEach((s, i) => node.append(el("p", {class: "dg-text dg-source-text", lang: source,
      text: (sources.length > 1 ? ["one: ", "other: "][i] || "" : "") + s})));
    if (m.notes.length) {  // the catalog's own comments for translators, lines as in the PO file
      node.append(el("span", {class: "dg-label", text: "Notes"}), el("p", {class: "dg-text dg-notes-text", text: m.notes.join("\n")}));
    }
    if (m.comments.length) {
      node.append(el("span", {class: "dg-label", text: "Translator's comment"}), el("p", {class: "dg-text", text: m.comments.join("\n")}));
    }
    if (m.previous) node.append(el("span", {class: "dg-label", text: "The source before it changed"}),
      el("p", {class: "dg-text", text: m.previous.join(" / ")}));
    const count = forms(entry);
    const values = count ? (Array.isArray(entry.string) ? entry.string : []) : [entry.string];
    const areas = [];
    for (let i = 0; i < Math.max(count, 1); i++) {
      const label = "Translation (" + target + ")" + (count ? " · plural form " + (i + 1) + " of " + count : "");
      const area = el("textarea", {rows: 3, lang: target, "aria-label": label});
      area.value = values[i] || "";
      area.addEventListener("input", () => {
        entry.string = count ? areas.map((a) => a.value) : areas[0].value;
        entry.dirty = !same(entry.string, entry.base) || entry.fuzzy !== entry.message.fuzzy;
        node.classList.toggle("dg-dirty", entry.dirty);
        preview(entry);
      });
      area.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); save(entry); }
      });
      areas.push(area);
      node.append(el("span", {class: "dg-label", text: label}), area);
    }
    entry.areas = areas;
    node.append(el("p", {class: "dg-room"}), el("ul", {class: "dg-check"}));
    const conflict = el("div", {class: "dg-conflict", hidden: !("conflict" in entry)});
    node.append(conflict);
    if ("conflict" in entry) drawConflict(entry);
    const fuzzy = el("input", {type: "checkbox", class: "dg-fuzzy"});
    fuzzy.checked = entry.fuzzy;
    fuzzy.addEventListener("change", () => {
      entry.fuzzy = fuzzy.checked;
      entry.dirty = !same(entry.string, entry.base) || entry.fuzzy !== entry.message.fuzzy;
      node.classList.toggle("dg-dirty", entry.dirty);
    });
    const saveButton = el("button", {type: "button", class: "dg-save", text: "Save"});
    saveButton.addEventListener("click", () => save(entry));
    node.append(el("footer", {}, el("label", {}, fuzzy, " Needs review (fuzzy)"), saveButton,
      el("span", {class: "dg-result", role: "status", text: entry.result || ""})));
    return node;
  }

  function drawConflict(entry) {
    const box = entry.node.querySelector(".dg-conflict");
    const text = (t) => (t === null ? "(this text is no longer in the catalog)" : Array.isArray(t) ? t.join(" / ") : t);
    const keep = el("button", {type: "button", class: "dg-keep", text: "Keep mine"});
    const take = el("button", {type: "button", class: "dg-take", text: "Take theirs"});
    keep.addEventListener("click", () => { entry.base = entry.conflict; delete entry.conflict; save(entry); });
    take.addEventListener("click", () => {
      entry.string = entry.base = entry.conflict;
      entry.dirty = false;
      delete entry.conflict;
      drawEditor();
      preview(entry);
    });
    box.replaceChildren(
      el("p", {text: "The catalog on disk changed this text since you started. Nothing was written; both texts are here:"}),
      el("span", {class: "dg-label", text: "On disk now"}), el("p", {class: "dg-text dg-theirs", text: text(entry.conflict)}),
      el("span", {class: "dg-label", text: "Yours"}), el("p", {class: "dg-text dg-yours", text: text(entry.string)}),
      take);
    if (entry.conflict !== null) box.insertBefore(keep, take);
    box.hidden = false;
  }

  function fitOf(entry) {
    const v = views[target];
    for (const [slideId, frame] of placesOf(entry.message)) {
      const n = v.slides.findIndex((s) => s && s.id === slideId);
      const slide = previews[n] || v.slides[n];
      if (slide && frame && slide.fits[frame]) return slide.fits[frame];
    }
    return null;
  }

  function refreshRoom() {
    for (const entry of entries.values()) {
      if (!entry.node || !entry.node.isConnected) continue;
      const room = entry.node.querySelector(".dg-room");
      const f = fitOf(entry);
      if (!f) { room.textContent = ""; continue; }
      let verdict;
      if (f.overflow > 0.005) {
        verdict = "Too long: " + pct(f.overflow) + " more than the box holds even at the smallest size (" + pct(f.min_scale) + ").";
        room.className = "dg-room dg-over";
      } else if (f.scale < 0.999) {
        verdict = "Shrunk to " + pct(f.scale) + " of the full size to fit (the smallest allowed is " + pct(f.min_scale) + ").";
        room.className = "dg-room dg-shrunk";
      } else {
        verdict = "Fits at full size, using " + pct(f.fill) + " of the box's height.";
        room.className = "dg-room";
      }
      room.textContent = "Room: its box holds about " + f.capacity + " characters at full size (" + f.capacity_min +
        " at the smallest); it shows " + f.used + " now. " + verdict;
    }
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "X-Deckgen-Page": pageToken},
    });
    let data = {};
    try { data = await response.json(); } catch (e) { data = {problems: ["the server gave no answer"]}; }
    return [response.status, data];
  }

  let inFlight = false;
  let waiting = null;
  function preview(entry) {
    waiting = entry;
    if (!inFlight) sendPreview();
  }
  async function sendPreview() {
    const entry = waiting;
    waiting = null;
    if (!entry) return;
    inFlight = true;
    try {
      const [code, data] = await post("/api/preview", {locale: target, brand, context: entry.message.context,
        id: Array.isArray(entry.message.id) ? entry.message.id[0] : entry.message.id, string: entry.string});
      if (code === 200 && data.locale === target) {
        for (const [i, slide] of Object.entries(data.slides)) {
          previews[i] = slide;
          drawSlide(item(+i).querySelector(".dg-target"), slide);
        }
        showChecks(entry, data.problems);
        refreshRoom();
      }
    } finally {
      inFlight = false;
      if (waiting) sendPreview();
    }
  }

  function showChecks(entry, problems) {
    if (!entry.node) return;
    const list = entry.node.querySelector(".dg-check");
    list.replaceChildren(...problems.map((p) => el("li", {text: p})));
  }

  async function save(entry) {
    entry.node.querySelector(".dg-result").textContent = "saving…";
    const [, data] = await post("/api/save", {
      locale: target, brand, context: entry.message.context,
      id: Array.isArray(entry.message.id) ? entry.message.id[0] : entry.message.id,
      string: entry.string, base: entry.base, fuzzy: entry.fuzzy, version: views[target].catalog.version});
    const result = entry.node.querySelector(".dg-result"); // the editor may have been drawn again meanwhile
    result.className = "dg-result";
    if (data.status === "saved" || data.status === "unchanged") {
      entry.base = entry.string;
      entry.dirty = false;
      delete entry.conflict;
      views[target].catalog.version = data.version;
      entry.result = data.status === "saved" ? "Saved in " + views[target].catalog.file +
        (data.merged ? " (the file had changed on disk; those changes are kept)" : "") : "No change to save.";
      entry.node.classList.remove("dg-dirty");
      entry.node.querySelector(".dg-conflict").hidden = true;
      result.textContent = entry.result;
      showChecks(entry, []);
    } else if (data.status === "conflict") {
      entry.conflict = data.theirs === undefined ? null : data.theirs;
      result.textContent = "";
      drawConflict(entry);
    } else {
      result.className = "dg-result dg-error";
      result.textContent = data.status === "invalid" ? "Not saved: the build would refuse it." : "Not saved.";
      showChecks(entry, data.problems || []);
    }
  }

  // --- start ---------------------------------------------------------------------------------
  for (const view of state.views) apply(view);
  fit();
  if (mode === "translate") drawEditor();
  connect();
})();
