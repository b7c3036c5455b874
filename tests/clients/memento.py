"""Asks a resource of a running server for itself as it was at given dates,
with memento-client (the official Python client of RFC 7089, Memento).
Arguments: the resource's URL on the server, then HTTP dates. Prints a JSON
list: for each date, the memento the client finds ("uri") and its date
("datetime", an HTTP date), and the TimeGate it used.

memento-client looks for a TimeGate in a Link rel="timegate" of the
resource and, when the resource is its own TimeGate (it answers with Vary:
accept-datetime, as here), falls back to its default aggregator on the
Web. The resource is therefore named as the TimeGate itself (a TimeGate
base of "" followed by the resource's URL): nothing outside the server is
asked."""

import json
import sys
from email.utils import parsedate_to_datetime

from memento_client import MementoClient

resource = sys.argv[1]
found = []
with MementoClient(timegate_uri="", check_native_timegate=False) as client:
    for date in sys.argv[2:]:
        asked = parsedate_to_datetime(date).replace(tzinfo=None)
        info = client.get_memento_info(resource, asked)
        closest = info.get("mementos", {}).get("closest", {})
        when = closest.get("datetime")
        found.append({
            "asked": date,
            "uri": (closest.get("uri") or [None])[0],
            "datetime": when.strftime("%a, %d %b %Y %H:%M:%S GMT") if when else None,
            "timegate": info.get("timegate_uri"),
            "first": info.get("mementos", {}).get("first", {}).get("uri", [None])[0],
            "last": info.get("mementos", {}).get("last", {}).get("uri", [None])[0],
        })
print(json.dumps(found))
