"""Runs every query form with every return format and every request method
that two Python SPARQL clients declare, against the endpoint given as first
argument; the queries come as a JSON object (form -> text) in the second.

- SPARQLWrapper: its `_allowedFormats` and its default (no setReturnFormat),
  by GET, POST form (URLENCODED) and POST direct (POSTDIRECTLY);
- rdflib's SPARQLStore: every named result parser rdflib registers (the
  `returnFormat` values it accepts), by GET, POST and POST_FORM.

Prints a JSON list with one case per combination: what came back, as the
client converted it (a count of rows or triples, or a boolean), the
Content-Type of the answer, or the error the client raised."""

import csv
import io
import json
import sys
import warnings
import xml.dom.minidom

from rdflib import Graph
from rdflib.plugin import plugins
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import ResultParser
from SPARQLWrapper import GET, POST, POSTDIRECTLY, URLENCODED, SPARQLWrapper, Wrapper

endpoint = sys.argv[1]
queries = json.loads(sys.argv[2])

RDF_SYNTAX = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
    "application/n-quads": "nquads",
    "application/trig": "trig",
}


def tabular(text, delimiter, form):
    """Rows of CSV/TSV results (the header excluded), or an ASK's boolean."""
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if form == "ASK":
        return rows[-1][0].strip() == "true"
    return len(rows) - 1


def measure(converted, content_type, form):
    """What a client's converted answer holds."""
    if isinstance(converted, dict):
        if "boolean" in converted:
            return converted["boolean"]
        return len(converted["results"]["bindings"])
    if isinstance(converted, xml.dom.minidom.Document):
        booleans = converted.getElementsByTagName("boolean")
        if booleans:
            return booleans[0].firstChild.data.strip() == "true"
        return len(converted.getElementsByTagName("result"))
    if isinstance(converted, Graph):
        return len(converted)
    text = converted.decode("utf-8") if isinstance(converted, bytes) else converted
    if content_type == "text/csv":
        return tabular(text, ",", form)
    if content_type == "text/tab-separated-values":
        return tabular(text, "\t", form)
    return len(Graph().parse(data=text, format=RDF_SYNTAX[content_type]))


def describe(error):
    """An error and the one it was raised from (rdflib hides the HTTP error of a GET)."""
    text = f"{type(error).__name__}: {error}"
    cause = error.__cause__ or error.__context__
    return f"{text} (from {describe(cause)})" if cause else text


def sparqlwrapper_cases():
    methods = [("GET", GET, None)] + [
        (f"POST {request}", POST, request) for request in Wrapper._REQUEST_METHODS
    ]
    for return_format in [None] + list(Wrapper._allowedFormats):
        for method_name, method, request in methods:
            for form, query in queries.items():
                case = {
                    "client": "SPARQLWrapper",
                    "format": return_format or "(default)",
                    "method": method_name,
                    "form": form,
                }
                try:
                    wrapper = SPARQLWrapper(endpoint)
                    if return_format is not None:
                        wrapper.setReturnFormat(return_format)
                    wrapper.setMethod(method)
                    if request is not None:
                        wrapper.setRequestMethod(request)
                    wrapper.setQuery(query)
                    with warnings.catch_warnings(record=True) as seen:
                        warnings.simplefilter("always")
                        result = wrapper.query()
                        content_type = result.info()["content-type"].split(";")[0]
                        converted = result.convert()
                    case["content_type"] = content_type
                    case["value"] = measure(converted, content_type, form)
                    case["warnings"] = [str(w.message) for w in seen]
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    case["error"] = describe(error)
                yield case


def rdflib_cases():
    formats = sorted({p.name for p in plugins(kind=ResultParser) if "/" not in p.name})
    for return_format in formats:
        for method in ("GET", "POST", "POST_FORM"):
            for form, query in queries.items():
                case = {
                    "client": "rdflib SPARQLStore",
                    "format": return_format,
                    "method": method,
                    "form": form,
                }
                try:
                    store = SPARQLStore(endpoint, returnFormat=return_format, method=method)
                    result = Graph(store=store).query(query)
                    if isinstance(result, tuple):
                        raise RuntimeError(f"HTTP error {result[0]}: {result[1]}")
                    if form == "ASK":
                        case["value"] = bool(result.askAnswer)
                    elif form == "SELECT":
                        case["value"] = len(list(result))
                    else:
                        case["value"] = len(result.graph)
                except Exception as error:  # noqa: BLE001 - every failure is reported
                    case["error"] = describe(error)
                yield case


print(json.dumps(list(sparqlwrapper_cases()) + list(rdflib_cases())))
