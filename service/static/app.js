// Progressive enhancement for the search page: everything works without these files.
// This one is the core: facet checkboxes, chips, the sort menu, pages and histogram bars update the
// results in place (the page is fetched and its main part swapped, the URL pushed to history), and
// "עוד" expands a long facet list. It exposes window.NewsSearch = {navigate, formUrl, onInit,
// debounce} for the feature scripts loaded after it (suggest.js, histogram.js, ...), each of which
// registers an init(root) called on the page's main part at load and after every in-place update.
(function () {
  "use strict";

  // The style sheets show the phone's filter drawer and its button only when this script runs.
  document.documentElement.classList.add("js");
  const phone = window.matchMedia("(max-width: 50rem)");
  let drawerOpen = false; // survives in-place updates: a tap on a facet keeps the drawer open

  // Fetch a search URL and swap the page's main part; fall back to a normal load on any trouble.
  // ``focusTarget``: a selector or a function(main) → element to focus after the swap; the results
  // heading (#count) is also scrolled to the top, so a new page of results starts where it is read.
  async function navigate(url, push = true, focusTarget = "#count") {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      const html = await response.text();
      const doc = new DOMParser().parseFromString(html, "text/html");
      const fresh = doc.querySelector("main");
      if (!fresh) throw new Error("no main");
      document.querySelector("main").replaceWith(fresh);
      document.title = doc.title;
      // The head's feed link follows the search shown (the Atom feed of these results).
      const feed = doc.querySelector("link[rel=alternate][type='application/atom+xml']");
      const current = document.querySelector("link[rel=alternate][type='application/atom+xml']");
      if (current) current.remove();
      if (feed) document.head.appendChild(feed);
      if (push) history.pushState({}, "", url);
      init(fresh);
      const focus =
        typeof focusTarget === "function" ? focusTarget(fresh) : focusTarget && fresh.querySelector(focusTarget);
      if (focus && focus.matches("#count")) {
        focus.focus({ preventScroll: true });
        focus.scrollIntoView({ block: "start" });
      } else if (focus) {
        focus.focus();
      }
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

  // On a phone the filters are a drawer, closed by default, opened by the "סינון" button; it keeps
  // focus inside while open (Escape or "הצגת N תוצאות" closes it and returns to the results).
  function setupDrawer(root) {
    const drawer = root.querySelector("#filters");
    const toggle = root.querySelector(".filters-toggle");
    if (!drawer || !toggle) return;

    function open(moveFocus) {
      drawerOpen = true;
      drawer.classList.add("open");
      drawer.setAttribute("role", "dialog");
      drawer.setAttribute("aria-modal", "true");
      toggle.setAttribute("aria-expanded", "true");
      document.body.classList.add("drawer-open");
      if (moveFocus) drawer.querySelector(".drawer-close").focus();
    }
    function close(focusTarget) {
      drawerOpen = false;
      drawer.classList.remove("open");
      drawer.removeAttribute("role");
      drawer.removeAttribute("aria-modal");
      toggle.setAttribute("aria-expanded", "false");
      document.body.classList.remove("drawer-open");
      if (focusTarget) focusTarget.focus();
    }
    toggle.addEventListener("click", () => open(true));
    drawer.querySelector(".drawer-close").addEventListener("click", () => close(toggle));
    drawer.querySelector(".drawer-done").addEventListener("click", () => {
      close(null);
      const heading = root.querySelector("#count");
      heading.focus({ preventScroll: true });
      heading.scrollIntoView({ block: "start" });
    });
    drawer.addEventListener("keydown", (event) => {
      if (!drawer.classList.contains("open")) return;
      if (event.key === "Escape") {
        event.preventDefault();
        close(toggle);
      } else if (event.key === "Tab") {
        // Keep focus inside the open drawer (a modal dialog on a phone).
        const focusable = Array.from(
          drawer.querySelectorAll("a[href], button, input:not([type=hidden]), select, [tabindex='0']")
        ).filter((el) => el.offsetParent !== null);
        const [first, last] = [focusable[0], focusable[focusable.length - 1]];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    if (drawerOpen && phone.matches) open(false);
    else close(null);
  }

  // Links that stay on the search page (chips, pages, bars) update in place too. Removing a chip
  // puts focus on the chip that took its place (or the one before it), else on the search box.
  function setupLinks(root) {
    root.addEventListener("click", (event) => {
      const link = event.target.closest("a[href]");
      if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin || url.pathname !== "/" || !root.querySelector("#facets")) return;
      event.preventDefault();
      let focusTarget = "#count";
      if (link.matches(".chips .chip")) {
        const index = Array.from(root.querySelectorAll(".chips .chip:not(.clear)")).indexOf(link);
        focusTarget = (fresh) => {
          const chips = Array.from(fresh.querySelectorAll(".chips .chip:not(.clear)"));
          return chips[Math.min(index, chips.length - 1)] || fresh.querySelector("#q");
        };
      }
      navigate(url.href, true, focusTarget);
    });
  }

  const initializers = [];

  function init(root) {
    for (const fn of initializers) fn(root);
    const facets = root.querySelector("#facets");
    if (facets) setupFacets(facets);
    setupDrawer(root);
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
    // Skip links move focus themselves: a fragment alone scrolls but does not always move focus.
    for (const link of document.querySelectorAll("a.skip[href^='#']")) {
      link.addEventListener("click", (event) => {
        const target = document.querySelector(link.getAttribute("href"));
        if (!target) return;
        event.preventDefault();
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus();
      });
    }
    init(document.querySelector("main"));
  });
})();
