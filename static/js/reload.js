// Loaded only on pages built by the preview server (go run ./cmd/build -serve):
// reload the page when the server has rebuilt the site.
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var es = new EventSource("/_iamref/events");
  es.addEventListener("reload", function () { location.reload(); });
})();
