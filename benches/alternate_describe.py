#!/usr/bin/env python3
"""DESCRIBE latency of two running servers answered in alternation, so that the machine's
noise (±15 % between runs of a 0.2-ms query on this VM) falls on both alike:

    benches/alternate_describe.py http://127.0.0.1:7801/sparql http://127.0.0.1:7802/query AWARDS

AWARDS: a file of award IRIs, one per line (the first 400 are used). One kept-alive connection
per server; 2 000 rounds of the same award, then 2 000 over 400 awards, the order of the two
servers swapped every round. Prints the best and the median of each, and their ratios.
"""

import http.client
import statistics
import sys
import time
import urllib.parse


def main():
    ours_url, theirs_url, awards_file = sys.argv[1:4]
    awards = [line.strip() for line in open(awards_file) if line.strip()][:400]
    servers = {"ours": urllib.parse.urlsplit(ours_url), "other": urllib.parse.urlsplit(theirs_url)}
    connections = {name: http.client.HTTPConnection(url.hostname, url.port)
                   for name, url in servers.items()}

    def describe(name, award):
        query = urllib.parse.urlencode({"query": f"DESCRIBE <{award}>"})
        started = time.perf_counter()
        connections[name].request("GET", f"{servers[name].path}?{query}",
                                  headers={"Accept": "text/turtle"})
        response = connections[name].getresponse()
        response.read()
        assert response.status == 200, (name, response.status)
        return time.perf_counter() - started

    for name in servers:  # warm both connections
        for award in awards[:50]:
            describe(name, award)
    for label, pick in [("same award", lambda i: awards[0]),
                        ("400 awards", lambda i: awards[i % len(awards)])]:
        times = {name: [] for name in servers}
        for i in range(2000):
            order = list(servers) if i % 2 == 0 else list(reversed(servers))
            for name in order:
                times[name].append(describe(name, pick(i)))
        ours, other = times["ours"], times["other"]
        print(f"{label}: ours best {min(ours) * 1e3:.3f} ms, median "
              f"{statistics.median(ours) * 1e3:.3f} ms; other best {min(other) * 1e3:.3f} ms, "
              f"median {statistics.median(other) * 1e3:.3f} ms; ours / other: best "
              f"{min(ours) / min(other):.2f}, median "
              f"{statistics.median(ours) / statistics.median(other):.2f}")


if __name__ == "__main__":
    main()
