"""Harvests a DCAT catalog with data.gouv.fr's own harvester.

udata's `DcatBackend` (the code data.gouv.fr runs when an administrator
registers a DCAT harvest source) harvests the URL given on the command line,
on an application whose database is an in-memory mongomock client, with the
licences data.gouv.fr offers for this data. Prints, as JSON, the job, every
item and what udata stored of each data set and data service.

Usage: udata_harvest.py CATALOG_URL
"""

import json
import secrets
import sys

import mongomock
from udata.app import create_app, standalone


class Settings:
    # A throwaway application: nothing is signed with these.
    SECRET_KEY = secrets.token_hex(16)
    API_TOKEN_SECRET = secrets.token_hex(16)
    SECURITY_PASSWORD_SALT = secrets.token_hex(16)
    TESTING = False
    DEBUG = False
    SERVER_NAME = "data.gouv.test"
    MONGODB_HOST = "mongodb://localhost:27017/udata"
    MONGODB_SETTINGS = {
        "host": "mongodb://localhost:27017/udata",
        "mongo_client_class": mongomock.MongoClient,
    }
    HARVESTER_BACKENDS = ["dcat"]
    DEFAULT_LANGUAGE = "fr"
    # The catalog is served on loopback.
    URLS_ALLOW_LOCAL = True
    URLS_ALLOW_PRIVATE = True
    SEARCH_SERVICE_API_URL = None
    CACHE_TYPE = "flask_caching.backends.NullCache"


# data.gouv.fr's licence for this data, as its licence list gives it, and the
# default udata falls back on when it recognises none.
LICENCES = [
    {
        "id": "lov2",
        "title": "Licence Ouverte / Open Licence version 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
    },
    {"id": "notspecified", "title": "License Not Specified"},
]


def geometry(spatial):
    return spatial.geom if spatial is not None and spatial.geom else None


def resource(r):
    return {
        "title": r.title,
        "url": r.url,
        "type": r.type,
        "format": r.format,
        "mime": r.mime,
        "filesize": r.filesize,
        "checksum": (
            {"type": r.checksum.type, "value": r.checksum.value} if r.checksum else None
        ),
        "description": r.description,
    }


def contact(c):
    return {"name": c.name, "role": c.role, "email": c.email, "contact_form": c.contact_form}


def dataset(d):
    period = d.temporal_coverage
    return {
        "title": d.title,
        "description": d.description,
        "license": d.license.id if d.license else None,
        "frequency": str(d.frequency) if d.frequency else None,
        "temporal_coverage": (
            {"start": str(period.start), "end": str(period.end)} if period else None
        ),
        "spatial": geometry(d.spatial),
        "tags": sorted(d.tags),
        "contact_points": [contact(c) for c in d.contact_points],
        "identifier": d.harvest.dct_identifier,
        "remote_id": d.harvest.remote_id,
        "uri": d.harvest.uri,
        "issued": str(d.harvest.issued_at) if d.harvest.issued_at else None,
        "modified": str(d.harvest.modified_at) if d.harvest.modified_at else None,
        "resources": [resource(r) for r in d.resources],
    }


def dataservice(s):
    return {
        "title": s.title,
        "description": s.description,
        "base_api_url": s.base_api_url,
        "machine_documentation_url": s.machine_documentation_url,
        "license": s.license.id if s.license else None,
        "datasets": [d.harvest.uri for d in s.datasets],
        "contact_points": [contact(c) for c in s.contact_points],
        "remote_id": s.harvest.remote_id,
        "uri": s.harvest.uri,
        "tags": sorted(s.tags),
    }


def main(url):
    app = create_app(override=Settings)
    standalone(app)
    with app.app_context():
        from udata.core.dataservices.models import Dataservice
        from udata.core.dataset.models import Dataset, License
        from udata.core.organization.models import Organization
        from udata.harvest.backends.dcat import DcatBackend
        from udata.harvest.models import HarvestSource

        for licence in LICENCES:
            License(**licence).save()
        # On data.gouv.fr a harvest source belongs to the organisation that
        # registered it (udata keeps contact points only for an owner).
        owner = Organization(
            name="Organisation moissonneuse", description="Celle qui moissonne."
        ).save()
        source = HarvestSource(
            name="territoire-innovant", url=url, backend="dcat", organization=owner
        )
        source.save()
        job = DcatBackend(source).harvest()
        print(
            json.dumps(
                {
                    "status": job.status,
                    "errors": [e.message for e in job.errors],
                    "items": [
                        {
                            "remote_id": i.remote_id,
                            "status": i.status,
                            "errors": [e.message for e in i.errors],
                        }
                        for i in job.items
                    ],
                    "datasets": [dataset(d) for d in Dataset.objects],
                    "dataservices": [dataservice(s) for s in Dataservice.objects],
                },
                indent=1,
                ensure_ascii=False,
                default=str,
            )
        )


if __name__ == "__main__":
    main(sys.argv[1])
