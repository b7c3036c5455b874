// Starts YASGUI on the query page, pre-filled with the example queries of
// queries/ that the page embeds as JSON, and makes its widgets accessible
// (WCAG 2.1 AA): every control named, the editor's scroll area reachable by
// keyboard, the tab list holding tabs only. YASGUI redraws parts of itself
// (tabs, results), so the fixes are applied again whenever it does.
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples").textContent);
  // A page that links here with a ready query (#query=…, as a resource
  // page's "query this resource") has it opened in a tab and run; YASGUI
  // would read the address itself, so the query is taken from it first.
  var asked = new URLSearchParams(window.location.hash.slice(1)).get("query");
  if (asked) {
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }
  // The editor completes the data's and the ontology's properties and
  // classes from the list the page embeds (YASQE would ask Linked Open
  // Vocabularies, an outside service, for them).
  var terms = JSON.parse(document.getElementById("terms").textContent);
  function completeFrom(list) {
    return function (_yasqe, token) {
      var typed = (token && token.autocompletionString) || "";
      return Promise.resolve(list.filter(function (iri) {
        return iri.indexOf(typed) === 0;
      }));
    };
  }
  Yasgui.Yasqe.Autocompleters.property.get = completeFrom(terms.properties);
  Yasgui.Yasqe.Autocompleters["class"].get = completeFrom(terms.classes);
  var element = document.getElementById("yasgui");
  var endpoint = new URL(element.dataset.endpoint, document.baseURI).href;
  // The endpoint says why a query cannot be read in the page's language.
  function requestConfig() {
    return { endpoint: endpoint, method: "POST", headers: { "Accept-Language": "fr" } };
  }
  var yasgui = new Yasgui(element, {
    requestConfig: requestConfig(),
    copyEndpointOnNewTab: false,
    persistenceId: null,
    autoAddOnInit: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
  });

  // Accessible names of YASGUI's unnamed controls (its interface is in English).
  var names = [
    [".autocomplete", "SPARQL endpoint address"],
    [".CodeMirror textarea", "SPARQL query"],
    [".tableSizer", "Results per page"],
    [".yasr input[type=text]:not([aria-label])", "Filter the results"],
  ];
  function makeAccessible() {
    names.forEach(function (entry) {
      element.querySelectorAll(entry[0]).forEach(function (control) {
        if (!control.hasAttribute("aria-label")) {
          control.setAttribute("aria-label", entry[1]);
        }
      });
    });
    // CodeMirror makes its scroll area unfocusable (tabindex -1).
    element.querySelectorAll(".CodeMirror-scroll:not([tabindex='0'])").forEach(function (area) {
      area.setAttribute("tabindex", "0");
      area.setAttribute("aria-label", "SPARQL query editor");
    });
    // Tab names are the titles of the examples, in French.
    element.querySelectorAll(".tabsList [role=tab] span:not([lang])").forEach(function (name) {
      name.setAttribute("lang", "fr");
    });
    // YASR greys out unavailable buttons with a class only: say it to
    // assistive technologies too.
    element.querySelectorAll(".yasr_btn").forEach(function (button) {
      var disabled = button.classList.contains("disabled") ? "true" : "false";
      if (button.getAttribute("aria-disabled") !== disabled) {
        button.setAttribute("aria-disabled", disabled);
      }
    });
    // A tab list holds tabs only: YASGUI's "+" button is replaced by the
    // page's own "new tab" button, outside the list.
    element.querySelectorAll(".tabsList .addTab").forEach(function (button) {
      button.parentElement.setAttribute("hidden", "");
    });
  }
  new MutationObserver(makeAccessible).observe(element, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["class"],
  });
  makeAccessible();

  // An answer without a solution: the page asks the server what may
  // explain it (a literal the data holds only with a language or a
  // datatype, a name as the release prints it) and says so below the
  // results. The SPARQL answer itself is left as it is.
  var hints = document.getElementById("hints");
  yasgui.on("queryResponse", function (_yasgui, tab) {
    hints.textContent = "";
    var query = tab.getQuery();
    setTimeout(function () {
      var results = tab.getYasr() && tab.getYasr().results;
      var bindings = results && results.getBindings && results.getBindings();
      if (!bindings || bindings.length !== 0) {
        return;
      }
      fetch(new URL("/sparql/hints?query=" + encodeURIComponent(query), document.baseURI))
        .then(function (response) { return response.ok ? response.json() : { hints: [] }; })
        .then(function (answer) {
          if (!answer.hints || answer.hints.length === 0) {
            return;
          }
          var intro = document.createElement("p");
          intro.textContent = "Aucune solution. Ce qui peut l'expliquer :";
          var list = document.createElement("ul");
          answer.hints.forEach(function (hint) {
            var item = document.createElement("li");
            item.textContent = hint;
            list.appendChild(item);
          });
          hints.appendChild(intro);
          hints.appendChild(list);
        })
        .catch(function () {});
    }, 0);
  });

  // A known prefix gets its PREFIX line as soon as it is typed (ti:, skos:,
  // dct:…: the list the page embeds, nothing fetched from elsewhere).
  var known = JSON.parse(document.getElementById("prefixes").textContent);
  function declareTypedPrefixes(yasqe) {
    var text = yasqe.getValue().replace(/<[^>\s]*>|"[^"]*"|'[^']*'|#.*$/gm, " ");
    var declared = yasqe.getPrefixesFromQuery();
    var wanted = {};
    var used = /(^|[\s(\/^|,;])([A-Za-z][\w-]*):[A-Za-z_]/g;
    var match;
    while ((match = used.exec(text)) !== null) {
      var prefix = match[2];
      if (known[prefix] && !(prefix in declared) && !/^prefix$/i.test(prefix)) {
        wanted[prefix] = known[prefix];
      }
    }
    if (Object.keys(wanted).length > 0) {
      yasqe.addPrefixes(wanted);
    }
  }
  // Every editor YASGUI draws (one per tab, made when the tab is shown) is
  // watched: YASQE is a CodeMirror editor, reachable from its element.
  function watchPrefixes() {
    element.querySelectorAll(".CodeMirror").forEach(function (editor) {
      var yasqe = editor.CodeMirror;
      if (yasqe && yasqe.addPrefixes && !yasqe.prefixesWatched) {
        yasqe.prefixesWatched = true;
        yasqe.on("change", function () { declareTypedPrefixes(yasqe); });
      }
    });
  }
  new MutationObserver(watchPrefixes).observe(element, { childList: true, subtree: true });

  document.getElementById("new-tab").addEventListener("click", function () {
    yasgui.addTab(true);
  });

  // « Expliquer l'évaluation »: the query of the current tab evaluated with
  // explain=true (same limits as any query), its plan shown as a tree.
  var plan = document.getElementById("plan");
  var planContent = document.getElementById("plan-contenu");
  var number = new Intl.NumberFormat("fr-FR", { maximumSignificantDigits: 3 });
  function duration(seconds) {
    return seconds < 1 ? number.format(seconds * 1000) + " ms" : number.format(seconds) + " s";
  }
  function operator(node) {
    var item = document.createElement("li");
    var name = document.createElement("code");
    name.textContent = node.name;
    item.appendChild(name);
    var figures = [];
    if (node["number of results"] !== undefined) {
      var count = node["number of results"];
      figures.push(number.format(count) + " résultat" + (count === 1 ? "" : "s"));
    }
    if (node["duration in seconds"] !== undefined) {
      figures.push(duration(node["duration in seconds"]));
    }
    if (figures.length > 0) {
      item.appendChild(document.createTextNode(" — " + figures.join(", ")));
    }
    if (node.children && node.children.length > 0) {
      var list = document.createElement("ul");
      node.children.forEach(function (child) { list.appendChild(operator(child)); });
      item.appendChild(list);
    }
    return item;
  }
  function showPlan(answer) {
    planContent.textContent = "";
    var summary = document.createElement("p");
    var counted = answer.solutions !== undefined ? [answer.solutions, "solution"]
      : answer.triples !== undefined ? [answer.triples, "triple"] : [answer.results, "réponse"];
    summary.textContent = "Requête " + answer.form + " évaluée en " + duration(answer["duration in seconds"]) +
      " : " + number.format(counted[0]) + " " + counted[1] + (counted[0] === 1 ? "" : "s") +
      (answer.planned ? ", plan choisi par l'optimiseur." : ", évaluée telle qu'écrite (trop grande pour l'optimiseur).");
    planContent.appendChild(summary);
    var tree = document.createElement("ul");
    tree.className = "plan-tree";
    tree.appendChild(operator(answer.plan));
    planContent.appendChild(tree);
  }
  document.getElementById("explain").addEventListener("click", function () {
    var query = yasgui.getTab().getQuery();
    plan.hidden = false;
    planContent.textContent = "Évaluation en cours…";
    var body = new URLSearchParams({ query: query, explain: "true" });
    fetch(endpoint, { method: "POST", body: body, headers: { "Accept-Language": "fr" } })
      .then(function (response) {
        return response.ok ? response.json().then(showPlan) : response.text().then(function (text) {
          planContent.textContent = "";
          var message = document.createElement("pre");
          message.textContent = text;
          planContent.appendChild(message);
        });
      })
      .catch(function () { planContent.textContent = "Le point d'accès n'a pas répondu."; });
  });
  if (asked) {
    yasgui.addTab(true, {
      name: "Requête",
      yasqe: { value: asked },
      requestConfig: requestConfig(),
    });
    yasgui.getTab().query();
  } else if (examples.length > 0) {
    yasgui.addTab(true, {
      name: examples[0].title,
      yasqe: { value: examples[0].query },
      requestConfig: requestConfig(),
    });
  }
  watchPrefixes();
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
