// deckgen's HTML export: one slide at a time, as large as the window allows.
// Keys: → ↓ PageDown Space next; ← ↑ PageUp previous; Home, End; F full screen.
// A swipe left or right on a touch screen turns the page. The address ends in #N (slide N).
(function () {
  "use strict";
  const root = document.documentElement;
  const deck = document.querySelector(".dg-deck");
  const slides = Array.from(document.querySelectorAll(".dg-slide"));
  const prev = document.querySelector(".dg-prev");
  const next = document.querySelector(".dg-next");
  const count = document.querySelector(".dg-count");
  if (!slides.length || !deck) return;
  root.classList.add("dg-js");
  let current = 0;

  function fit() {
    const nav = 48;
    const scale = Math.min(window.innerWidth / 1280, (window.innerHeight - nav) / 720);
    root.style.setProperty("--dg-scale", String(Math.max(scale, 0.05)));
  }

  function show(index) {
    const i = Math.max(0, Math.min(slides.length - 1, index));
    slides[current].classList.remove("dg-current");
    current = i;
    slides[i].classList.add("dg-current");
    count.textContent = (i + 1) + " / " + slides.length;
    prev.disabled = i === 0;
    next.disabled = i === slides.length - 1;
    if (location.hash !== "#" + (i + 1)) history.replaceState(null, "", "#" + (i + 1));
  }

  function fromHash() {
    const name = decodeURIComponent(location.hash.slice(1));
    if (/^[0-9]+$/.test(name)) return parseInt(name, 10) - 1;
    const target = name ? document.getElementById(name) : null;  // a slide's own id (internal links)
    const box = target ? target.closest(".dg-slide") : null;
    return box ? slides.indexOf(box) : -1;
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const steps = {ArrowRight: 1, ArrowDown: 1, PageDown: 1, " ": 1, ArrowLeft: -1, ArrowUp: -1, PageUp: -1};
    if (event.key in steps) show(current + steps[event.key]);
    else if (event.key === "Home") show(0);
    else if (event.key === "End") show(slides.length - 1);
    else if (event.key === "f" || event.key === "F") {
      if (document.fullscreenElement) document.exitFullscreen();
      else if (root.requestFullscreen) root.requestFullscreen();
    } else return;
    event.preventDefault();
  });

  let touch = null;
  deck.addEventListener("touchstart", function (event) {
    touch = event.touches.length === 1 ? [event.touches[0].clientX, event.touches[0].clientY] : null;
  }, {passive: true});
  deck.addEventListener("touchend", function (event) {
    if (!touch) return;
    const dx = event.changedTouches[0].clientX - touch[0];
    const dy = event.changedTouches[0].clientY - touch[1];
    touch = null;
    if (Math.abs(dx) > 40 && Math.abs(dx) > Math.abs(dy)) show(current + (dx < 0 ? 1 : -1));
  }, {passive: true});

  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  window.addEventListener("resize", fit);
  window.addEventListener("hashchange", function () {
    const i = fromHash();
    if (i >= 0) show(i);
  });
  fit();
  const start = fromHash();
  show(start >= 0 ? start : 0);
})();
