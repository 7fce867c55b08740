"""查重 at province scale (one core). Not a test.

Run: taskset -c 0 .venv/bin/python bench/bench_similarity.py [projects] [queries] [database-url]

Builds a throwaway database (SQLite in a temporary directory unless a DATABASE_URL is given) holding
``projects`` generated declarations (default 100,000, ``govit.similarity.evalset.corpus``) in one county,
all of them in the scope of every query (the worst case), then times:

- build: the whole index from scratch (``similarity_rebuild`` without pairs): segmentation, document
  frequencies, vectors, keywords and postings;
- query: ``queries`` new declarations (default 300) looked up as a save does — segmentation, document
  frequencies, candidates from the index and the exact score of the best 40 — p50 / p95 / max.
Prints JSON.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PROJECTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
QUERIES = int(sys.argv[2]) if len(sys.argv) > 2 else 300
if len(sys.argv) > 3:
    os.environ["DATABASE_URL"] = sys.argv[3]
os.environ["GOVIT_DATA_DIR"] = tempfile.mkdtemp(prefix="govit-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from govit.accounts.choices import JurisdictionLevel  # noqa: E402
from govit.accounts.models import Jurisdiction, User  # noqa: E402
from govit.projects.models import Project  # noqa: E402
from govit.similarity import text  # noqa: E402
from govit.similarity.evalset import corpus  # noqa: E402
from govit.similarity.evaluation import declared_projects  # noqa: E402
from govit.similarity.selectors import query_build, rules_of, scope_of, similar_find, weights_of  # noqa: E402
from govit.similarity.services import similarity_rebuild  # noqa: E402

BATCH = 5_000


def build() -> Jurisdiction:
    call_command("migrate", verbosity=0)
    county = Jurisdiction.objects.create(
        code="360702", name="章贡区", level=JurisdictionLevel.COUNTY, pack_code="zhanggong"
    )
    creator = User.objects.create(username="bench", display_name="bench")
    rows = []
    for project, _key in declared_projects(corpus(PROJECTS), county, creator):
        rows.append(project)
        if len(rows) == BATCH:
            Project.objects.bulk_create(rows)
            rows = []
    Project.objects.bulk_create(rows)
    return county


def main() -> None:
    start = time.perf_counter()
    county = build()
    out: dict[str, object] = {
        "database": connection.vendor,
        "projects": PROJECTS,
        "setup_seconds": round(time.perf_counter() - start, 1),
    }
    text.words("预热")  # the dictionary loads once per process (about 1 s), not per query
    start = time.perf_counter()
    built = similarity_rebuild(pairs=False)
    out["build"] = {"seconds": round(time.perf_counter() - start, 1), **built}
    sample = Project.objects.filter(jurisdiction=county).first()
    assert sample is not None
    weights = weights_of(rules_of(sample))
    scope = scope_of(county)
    times, found = [], []
    for declaration in corpus(QUERIES, seed=99):
        start = time.perf_counter()
        query = query_build(declaration.sections)
        hits = similar_find(query, scope, weights)
        times.append(time.perf_counter() - start)
        found.append(len(hits))
    times.sort()
    out["query"] = {
        "queries": QUERIES,
        "p50_ms": round(1000 * statistics.median(times), 1),
        "p95_ms": round(1000 * times[int(0.95 * (len(times) - 1))], 1),
        "max_ms": round(1000 * times[-1], 1),
        "mean_matches": round(sum(found) / len(found), 1),
    }
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
