"""Runs SELECT, ASK and CONSTRUCT with SPARQLWrapper (GET and POST) and with
rdflib's SPARQLStore against the endpoint given as first argument; prints a
JSON summary."""
import json
import sys

from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

endpoint = sys.argv[1]
TI = "https://w3id.org/territoire-innovant/ontology#"
SELECT = f"SELECT ?award ?level WHERE {{ ?award a <{TI}Award> ; <{TI}level> ?level }}"
ASK = f"ASK {{ ?award <{TI}level> <https://w3id.org/territoire-innovant/level/or> }}"
CONSTRUCT = f"CONSTRUCT {{ ?award <{TI}level> ?level }} WHERE {{ ?award <{TI}level> ?level }}"

summary = {}
for method in ("GET", "POST"):
    wrapper = SPARQLWrapper(endpoint)
    if method == "POST":
        wrapper.setMethod(POST)
    wrapper.setReturnFormat(JSON)
    wrapper.setQuery(SELECT)
    summary[f"sparqlwrapper_{method}_select"] = len(wrapper.query().convert()["results"]["bindings"])
    wrapper.setQuery(ASK)
    summary[f"sparqlwrapper_{method}_ask"] = wrapper.query().convert()["boolean"]
    wrapper.setQuery(CONSTRUCT)
    wrapper.setReturnFormat(TURTLE)
    graph = Graph().parse(data=wrapper.query().convert(), format="turtle")
    summary[f"sparqlwrapper_{method}_construct"] = len(graph)

store = Graph(store=SPARQLStore(endpoint))
summary["rdflib_select"] = len(list(store.query(SELECT)))
summary["rdflib_ask"] = bool(store.query(ASK).askAnswer)
summary["rdflib_construct"] = len(store.query(CONSTRUCT).graph)
print(json.dumps(summary, sort_keys=True))
