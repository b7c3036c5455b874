"""Reads a DCAT catalog as CKAN's DCAT harvester does: ckanext-dcat's
RDFParser with the profile euro_dcat_ap_3, configured as a French portal
(default locale `fr`, a licence register that lists the licence of the
data set by its URL). Arguments: the catalog file, its RDF syntax (turtle,
xml), and the licence register as JSON. Prints the CKAN dataset dicts
(fields and resources) as JSON."""

import json
import sys
import tempfile

from ckantoolkit import config

catalog, syntax, licences = sys.argv[1:4]
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as register:
    register.write(licences)
config["ckan.locale_default"] = "fr"
config["licenses_group_url"] = "file://" + register.name

from ckanext.dcat.processors import RDFParser  # noqa: E402 - after the configuration

parser = RDFParser(profiles=["euro_dcat_ap_3"])
with open(catalog, encoding="utf-8") as text:
    parser.parse(text.read(), _format=syntax)
print(json.dumps(list(parser.datasets()), ensure_ascii=False))
