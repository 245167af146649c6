// The date histogram: dragging across it narrows the dates to the bars covered (needs app.js).
(function () {
  "use strict";
  const { navigate, formUrl, onInit } = window.NewsSearch;

  function setupHistogram(wrap) {
    const svg = wrap.querySelector("svg");
    const form = wrap.closest("form");
    if (!svg || !form) return;
    const bars = Array.from(svg.querySelectorAll(".bar"));
    let start = null;
    let dragged = false;

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
        form.elements.from.value = chosen[0].dataset.from;
        form.elements.to.value = chosen[1].dataset.to;
        navigate(formUrl(form), true, "#count");
      }
      start = null;
    });
    svg.addEventListener("click", (event) => {
      if (dragged) event.preventDefault();
    });
  }

  onInit((root) => root.querySelectorAll("[data-histogram]").forEach(setupHistogram));
})();
