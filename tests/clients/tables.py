"""Reads the published CSV tables with two independent tools.

Frictionless (the validator of schema.data.gouv.fr's Table Schema
convention) validates the data package, foreign keys included; the W3C
CSV on the Web processor `csvw` reads every table through its metadata,
typing each cell, and checks the referential integrity of its foreign keys.
Prints, as JSON, both reports and every row as csvw read it (cells as
text, typed numbers as numbers).

Usage: tables.py DIRECTORY   (holding datapackage.json, csv-metadata.json and the CSV files)
"""

import json
import os
import sys

import csvw
from frictionless import validate


def frictionless_report(directory):
    report = validate(os.path.join(directory, "datapackage.json"))
    errors = [
        f"{task.name}: {error.title}: {error.message}"
        for task in report.tasks
        for error in task.errors
    ] + [f"{error.title}: {error.message}" for error in report.errors]
    return {
        "valid": report.valid,
        "errors": errors,
        "tables": {task.name: task.stats.get("rows") for task in report.tasks},
    }


def cell(value):
    """A typed cell as JSON: numbers and empty cells as they are, an
    anyURI (an rfc3986 reference) as its text, anything else as text."""
    if isinstance(value, (int, type(None))):
        return value
    if hasattr(value, "unsplit"):
        return value.unsplit()
    return str(value)


def csvw_tables(directory):
    group = csvw.TableGroup.from_file(os.path.join(directory, "csv-metadata.json"))
    tables = {}
    for table in group.tables:
        rows = []
        for row in table.iterdicts(strict=True):
            rows.append({name: cell(value) for name, value in row.items()})
        tables[str(table.url)] = rows
    return {
        "tables": tables,
        "referential_integrity": group.check_referential_integrity(),
        # What a spreadsheet shows as headers: each column's title, in order.
        "titles": {
            str(table.url): [str(column.titles.getfirst()) for column in table.tableSchema.columns]
            for table in group.tables
        },
    }


if __name__ == "__main__":
    directory = sys.argv[1]
    json.dump(
        {"frictionless": frictionless_report(directory), "csvw": csvw_tables(directory)},
        sys.stdout,
        ensure_ascii=False,
    )
