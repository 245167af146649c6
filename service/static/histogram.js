// The date histogram (needs app.js). Without this file every bar is a link. With it:
// - the chart is one tab stop (a roving tabindex: only the current bar has tabindex=0); the arrow
//   keys move between bars, Home and End go to the first and last; Enter or Space narrows the search
//   to the focused bar. The earliest bar is drawn at the right (the page is right-to-left), so Right
//   goes to the earlier bar and Left to the later one, as the bars are seen;
// - dragging across bars narrows the dates to the bars covered; a click narrows to one bar;
// - on the search page all of it updates the results in place (an SVG link's href is not a string,
//   so app.js's in-place links leave bars alone: they are handled here).
(function () {
  "use strict";
  const { navigate, onInit } = window.NewsSearch;

  function href(bar) {
    return new URL(bar.getAttribute("href"), window.location.href);
  }

  function setupHistogram(wrap) {
    const svg = wrap.querySelector("svg");
    if (!svg) return;
    const bars = Array.from(svg.querySelectorAll(".bar"));
    if (!bars.length) return;
    const inPlace = Boolean(wrap.closest("form"));
    let start = null;
    let dragged = false;

    function go(url) {
      if (inPlace) navigate(url.href, true, "#count");
      else window.location.href = url.href;
    }

    // One tab stop: the last bar that holds articles (the latest), else the last bar.
    let current = bars.filter((bar) => !bar.classList.contains("empty")).pop() || bars[bars.length - 1];
    function rove(bar, moveFocus) {
      current = bar;
      bars.forEach((b) => b.setAttribute("tabindex", b === bar ? "0" : "-1"));
      if (moveFocus) bar.focus();
    }
    rove(current, false);

    svg.addEventListener("focusin", (event) => {
      const bar = event.target.closest(".bar");
      if (bar && bar !== current) rove(bar, false);
    });
    svg.addEventListener("keydown", (event) => {
      const index = bars.indexOf(current);
      const moves = { ArrowRight: index - 1, ArrowLeft: index + 1, Home: 0, End: bars.length - 1 };
      if (event.key in moves) {
        event.preventDefault();
        rove(bars[Math.max(0, Math.min(bars.length - 1, moves[event.key]))], true);
      } else if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        go(href(current));
      }
    });

    function barAt(event) {
      const element = document.elementFromPoint(event.clientX, event.clientY);
      return element ? element.closest(".bar") : null;
    }
    function mark(a, b) {
      const [i, j] = [bars.indexOf(a), bars.indexOf(b)].sort((x, y) => x - y);
      bars.forEach((bar, k) => bar.classList.toggle("selected", k >= i && k <= j));
    }
    svg.addEventListener("pointerdown", (event) => {
      start = barAt(event);
      dragged = false;
    });
    svg.addEventListener("pointermove", (event) => {
      if (!start) return;
      const bar = barAt(event);
      if (bar && bar !== start) {
        dragged = true;
        mark(start, bar);
      }
    });
    svg.addEventListener("pointerup", (event) => {
      const end = barAt(event);
      if (start && end && dragged) {
        const chosen = [start, end].sort((a, b) => (a.dataset.from < b.dataset.from ? -1 : 1));
        const url = href(chosen[0]);
        url.searchParams.set("from", chosen[0].dataset.from);
        url.searchParams.set("to", chosen[1].dataset.to);
        go(url);
      }
      start = null;
    });
    svg.addEventListener("click", (event) => {
      const bar = event.target.closest(".bar");
      if (!bar || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      if (!dragged) go(href(bar));
      dragged = false;
    });
  }

  onInit((root) => root.querySelectorAll("[data-histogram]").forEach(setupHistogram));
})();
