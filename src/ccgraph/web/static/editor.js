// The query editor of /sparql (ccgraph.web.editor): YASGUI on this server's endpoint, with
// a tab per saved query. Reads its settings from the page's #editor-config block.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("editor-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href).href;

  // The site has no /favicon.ico: an empty icon keeps the browser from asking for it (a
  // 404 in the console). It must be in <head>, which the page's template does not reach.
  if (!document.querySelector("link[rel~='icon']")) {
    var icon = document.createElement("link");
    icon.rel = "icon";
    icon.href = "data:,";
    document.head.appendChild(icon);
  }

  // Nothing leaves this server: the "class" and "property" autocompleters ask Linked Open
  // Vocabularies (lov.linkeddata.es); the prefix one uses the list YASGUI bundles.
  var Yasqe = Yasgui.Yasqe;
  Yasqe.defaults.autocompleters = Yasqe.defaults.autocompleters.filter(function (name) {
    return name !== "class" && name !== "property";
  });

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    persistenceId: "ccgraph-editor",
    tabName: "Query",
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: endpoint }]; }
    },
    yasqe: { value: config.query },
    yasr: { prefixes: config.prefixes, defaultPlugin: "table" }
  });

  config.examples.forEach(function (example) {
    if (!yasgui.getTab(example.id)) {
      yasgui.addTab(false, {
        id: example.id,
        name: example.name,
        yasqe: { value: example.query },
        requestConfig: { endpoint: endpoint }
      });
    }
  });
  window.ccgraphEditor = yasgui; // for the browser tests and the curious
})();
