"""SQL queries per key page: each page requested through Django's test client against the bench
database (the settings of the environment: bench/run.py passes gunicorn's), signed in as the
load script's account, under CaptureQueriesContext. Each page is requested twice and the second
count is kept (the first fills per-process caches). Prints {page: count} as JSON.

    python -m bench.queries var/bench/fixture.json
"""

import json
import os
import sys


def main(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from applicants.models import User

    with open(path, encoding="utf-8") as fh:
        fx = json.load(fh)
    applicant = fx["applicants"][0]
    declaration, code = applicant["declaration"], applicant["section"]
    q = fx["queue"]
    experts = fx["experts"]
    review_id = (fx["unit"]["review_ids"] or [0])[0]
    unit, supervising, office = (
        fx["unit"]["username"],
        fx["supervising"]["username"],
        fx["office"]["username"],
    )
    pages = [
        ("applicant home", applicant["username"], "get", "/accounts/me/", None),
        ("overview", applicant["username"], "get", f"/declarations/{declaration}/", None),
        (
            "section GET",
            applicant["username"],
            "get",
            f"/declarations/{declaration}/sections/{code}/",
            None,
        ),
        (
            "section POST",
            applicant["username"],
            "post",
            f"/declarations/{declaration}/sections/{code}/",
            applicant["post"],
        ),
        ("review page", unit, "get", f"/review/{review_id}/", None),
        ("unit queue p1", unit, "get", "/review/", None),
        (
            "unit queue filtered",
            unit,
            "get",
            f"/review/?year={q['year']}&series={q['series']}&level={q['level']}&state={q['state']}",
            None,
        ),
        ("queue name search", unit, "get", f"/review/?q={q['name']}", None),
        ("queue ID search", unit, "get", f"/review/?q={q['id_number']}", None),
        ("unit queue page N", unit, "get", f"/review/?page={q['page_n']}", None),
        ("supervising queue", supervising, "get", "/review/", None),
        ("committee inbox", office, "get", "/committee/inbox/", None),
        (
            "expert voting page",
            (experts["usernames"] or [None])[0],
            "get",
            f"/committee/expert/meetings/{experts['meeting']}/",
            None,
        ),
        ("verification", None, "get", fx["verify"], None),
    ]
    host = os.environ.get("BENCH_HOST", "127.0.0.1")
    result = {}
    for name, username, method, url, data in pages:
        client = Client(HTTP_HOST=host, HTTP_X_FORWARDED_PROTO="https")
        if username:
            client.force_login(
                User.objects.get(username=username),
                backend="applicants.backends.MultiIdentifierBackend",
            )
        counts = []
        status = None
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                response = getattr(client, method)(url, data, secure=True)
            counts.append(len(ctx.captured_queries))
            status = response.status_code
        result[name] = {"queries": counts[-1], "first": counts[0], "status": status}
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/bench/fixture.json")
