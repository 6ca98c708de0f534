// Loaded only on pages built by the preview server (go run ./cmd/build -serve):
// reload the page when a rebuild has changed it.
//
// The stream is closed when the page is hidden (pagehide) and opened again
// when it is shown (pageshow): a page kept in the back/forward cache would
// otherwise hold its connection open, and after six of them Chromium has no
// connection left for the host and the next page waits. The stream names
// when the copy shown was last modified, so the server tells a page shown
// again (from the back/forward cache or the HTTP cache) to reload at once
// when a rebuild changed it meanwhile.
(function () {
  "use strict";
  if (!window.EventSource) { return; }
  var es = null, page = location.pathname, modified = Date.parse(document.lastModified);
  try { page = decodeURIComponent(page); } catch (e) { /* served as is */ }
  function open() {
    if (es) { return; }
    var url = "/_iamref/events?page=" + encodeURIComponent(page);
    if (!isNaN(modified)) { url += "&modified=" + modified; }
    es = new EventSource(url);
    es.addEventListener("reload", function () { location.reload(); });
  }
  function close() {
    if (es) { es.close(); es = null; }
  }
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", open);
  open();
})();
