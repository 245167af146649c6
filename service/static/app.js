// Progressive enhancement for the search page: everything works without these files.
// This one is the core: facet checkboxes, chips, the sort menu, pages and histogram bars update the
// results in place (the page is fetched and its main part swapped, the URL pushed to history), and
// "עוד" expands a long facet list. It exposes window.NewsSearch = {navigate, formUrl, onInit,
// debounce} for the feature scripts loaded after it (suggest.js, histogram.js, ...), each of which
// registers an init(root) called on the page's main part at load and after every in-place update.
(function () {
  "use strict";

  // Fetch a search URL and swap the page's main part; fall back to a normal load on any trouble.
  async function navigate(url, push = true, focusSelector = null) {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.querySelector("main");
      if (!fresh) throw new Error("no main");
      document.querySelector("main").replaceWith(fresh);
      document.title = doc.title;
      if (push) history.pushState({}, "", url);
      init(fresh);
      const focus = focusSelector && fresh.querySelector(focusSelector);
      if (focus) focus.focus();
    } catch (error) {
      window.location.href = url;
    }
  }

  function formUrl(form) {
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(form)) if (value) params.append(key, value);
    return form.action.split("?")[0] + "?" + params.toString();
  }

  function setupFacets(form) {
    form.addEventListener("change", (event) => {
      const box = event.target;
      if (box.matches("input[type=checkbox]")) {
        const selector = `#facets input[type=checkbox][name="${box.name}"][value="${CSS.escape(box.value)}"]`;
        navigate(formUrl(form), true, selector);
      }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      navigate(formUrl(form), true, "#count");
    });
    for (const button of form.querySelectorAll(".show-more")) {
      button.addEventListener("click", () => {
        const fieldset = button.closest(".facet");
        const expanded = fieldset.classList.toggle("expanded");
        button.setAttribute("aria-expanded", String(expanded));
        button.textContent = expanded ? "פחות" : "עוד";
      });
    }
  }

  // Links that stay on the search page (chips, pages, bars) update in place too.
  function setupLinks(root) {
    root.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname !== "/" || !root.querySelector("#facets")) return;
      event.preventDefault();
      navigate(url.href, true, "#count");
    });
  }

  const initializers = [];

  function init(root) {
    for (const fn of initializers) fn(root);
    const facets = root.querySelector("#facets");
    if (facets) setupFacets(facets);
    root.querySelectorAll("select[data-autosubmit]").forEach((select) => {
      select.addEventListener("change", () => navigate(formUrl(select.form), true, "#sort"));
    });
    setupLinks(root);
  }

  function debounce(fn, ms) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), ms);
    };
  }

  window.NewsSearch = { navigate, formUrl, debounce, onInit: (fn) => initializers.push(fn) };

  window.addEventListener("popstate", () => navigate(window.location.href, false));
  document.addEventListener("DOMContentLoaded", () => {
    init(document.querySelector("main"));
  });
})();
