// Starts YASGUI on the query page, pre-filled with the example queries of
// queries/ that the page embeds as JSON.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var element = document.getElementById("yasgui");
  var endpoint = new URL(element.dataset.endpoint, document.baseURI).href;
  var yasgui = new Yasgui(element, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
  });
  if (examples.length > 0) {
    yasgui.addTab(true, {
      name: examples[0].title,
      yasqe: { value: examples[0].query },
      requestConfig: { endpoint: endpoint, method: "POST" },
    });
  }
  document.querySelectorAll("button[data-example]").forEach(function (button) {
    button.addEventListener("click", function () {
      var example = examples[Number(button.dataset.example)];
      var tab = yasgui.getTab();
      tab.setQuery(example.query);
      tab.query();
      window.scrollTo(0, 0);
    });
  });
})();
