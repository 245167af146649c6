// The facet lists: a filter box for long lists (needs app.js).
(function () {
  "use strict";
})();
