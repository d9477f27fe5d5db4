"""The load of `make bench` (locust, FastHttpUser): one user class per key page, and the Mix*
classes that together make the realistic mix. bench/run.py starts locust with the classes of
one measurement on the command line, e.g.

    locust -f bench/locustfile.py --headless -u 16 -r 16 -t 25s \
        --host http://127.0.0.1:8101 Overview

Environment: BENCH_FIXTURE (the JSON seed_bench wrote: accounts and ids), BENCH_OUT (where the
measurement is written as JSON), BENCH_WARMUP and BENCH_SECONDS (the window measured: requests
that end between all BENCH_USERS_TOTAL users having logged in + warm-up and that + seconds;
locust stops at its end; logins and the warm-up are not counted), BENCH_MAX_REQUESTS (stop
after this many requests, for --memory).

Every signed-in user logs in once through the real login form (CSRF token from its cookie,
the captcha answered "PASSED": gunicorn runs with CAPTCHA_TEST_MODE=true) and keeps its session.
Requests carry X-Forwarded-Proto: https (production's SECURE_PROXY_SSL_HEADER), so Django
treats them as the HTTPS requests a TLS proxy would forward: secure cookies, the CSRF Referer
check (a same-origin Referer is sent). Each applicant user edits their own draft; reviewers,
the office and the experts share their accounts (one session each).
"""

import itertools
import json
import os
import re
import time
from collections import defaultdict
from http.cookiejar import DefaultCookiePolicy

import gevent
from locust import FastHttpUser, constant, events, task

with open(os.environ.get("BENCH_FIXTURE", "var/bench/fixture.json"), encoding="utf-8") as _fh:
    FIXTURE = json.load(_fh)
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
OUT = os.environ.get("BENCH_OUT", "")
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "0"))
PASSWORD = FIXTURE["password"]
CAPTCHA_KEY = re.compile(
    rb'name="captcha_0"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="captcha_0"'
)

# bench/run.py may start several locust processes: each numbers its users from its own offset,
# so every applicant user still edits a draft of their own.
OFFSET = int(os.environ.get("BENCH_INDEX_OFFSET", "0"))
_applicants = itertools.count(OFFSET)
_experts = itertools.count(OFFSET)

# --- the measurement window ------------------------------------------------------------------

_state = {"start": None, "total": 0}
_times: dict[str, list[float]] = defaultdict(list)
_errors: dict[str, int] = defaultdict(int)
_error_samples: dict[str, str] = {}


USERS = int(os.environ.get("BENCH_USERS_TOTAL", "0"))  # the users started (-u)
# bench/run.py runs several locust processes: the window starts once all of them have logged
# their users in. A process that started on its own would otherwise measure its pages while
# the other's logins (a password hash each, ~0.2 s of CPU) still load the server.
READY_DIR = os.environ.get("BENCH_READY_DIR", "")
PROCESS = os.environ.get("BENCH_PROCESS", "0")
PROCESSES = int(os.environ.get("BENCH_PROCESSES", "1"))


def _ready():
    """A user has logged in (or failed to): once all of this process's have, and every other
    process's too, the warm-up starts, then the window; locust is stopped at its end."""
    _state["ready"] = _state.get("ready", 0) + 1
    if _state["ready"] == USERS:
        if READY_DIR:
            with open(os.path.join(READY_DIR, PROCESS), "w", encoding="utf-8"):
                pass
        gevent.spawn(_start_when_all_ready)


def _start_when_all_ready():
    while READY_DIR and len(os.listdir(READY_DIR)) < PROCESSES:
        gevent.sleep(0.05)
    _state["start"] = time.monotonic()
    if not MAX_REQUESTS and _runner is not None:
        gevent.spawn_later(WARMUP + SECONDS + 0.2, _runner.quit)


@events.request.add_listener
def _on_request(request_type, name, response_time, response_length, exception=None, **kwargs):
    start = _state["start"]
    if start is not None:
        _state["total"] += 1
    if MAX_REQUESTS and _state["total"] == MAX_REQUESTS and _runner is not None:
        gevent.spawn(_runner.quit)
    now = time.monotonic()
    if name == "login" or start is None:
        inside = False
    elif MAX_REQUESTS:
        inside = True
    else:
        inside = start + WARMUP <= now <= start + WARMUP + SECONDS
    if inside:
        _times[name].append(response_time)
    if exception is not None and (inside or name == "login"):
        _errors[name] += 1
        _error_samples.setdefault(name, repr(exception)[:300])


_runner = None


@events.init.add_listener
def _on_init(environment, **kwargs):
    global _runner
    _runner = environment.runner


def _percentile(sorted_values, share):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


@events.quitting.add_listener
def _on_quit(environment, **kwargs):
    if not OUT:
        return
    elapsed = time.monotonic() - (_state["start"] or time.monotonic())
    window = elapsed if MAX_REQUESTS else SECONDS
    pages = {}
    all_times = []
    for name, values in _times.items():
        values.sort()
        all_times.extend(values)
        pages[name] = {
            "times": values,
            "requests": len(values),
            "rps": len(values) / window if window else 0,
            "p50": _percentile(values, 0.50),
            "p99": _percentile(values, 0.99),
            "errors": _errors.get(name, 0),
        }
    all_times.sort()
    result = {
        "window": window,
        "pages": pages,
        "total": {
            "requests": len(all_times),
            "times": all_times,
            "rps": len(all_times) / window if window else 0,
            "p50": _percentile(all_times, 0.50),
            "p99": _percentile(all_times, 0.99),
            "errors": sum(v for k, v in _errors.items() if k in _times),
        },
        "login_errors": _errors.get("login", 0),
        "error_samples": _error_samples,
        "all_requests": _state["total"],
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=1)


class _SecureOverHttp(DefaultCookiePolicy):
    """Send Django's Secure cookies (session, CSRF) over the plain-HTTP loopback: the requests
    stand for HTTPS ones behind a TLS proxy (X-Forwarded-Proto: https)."""

    def return_ok_secure(self, cookie, request):
        return True


# --- the users -------------------------------------------------------------------------------


class Bench(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    username: str | None = None  # None: anonymous

    def on_start(self):
        self.origin = self.host.replace("http://", "https://", 1).rstrip("/")
        self.headers = {"X-Forwarded-Proto": "https", "Referer": self.origin + "/"}
        self.client.cookiejar.set_policy(_SecureOverHttp())
        self.setup()
        if self.username:
            self.login(self.username)
        _ready()

    def setup(self):
        """Pick the account and the ids (before logging in)."""

    def csrf(self) -> str:
        for cookie in self.client.cookiejar:
            if cookie.name == "csrftoken":
                return cookie.value
        return ""

    def login(self, username):
        page = self.client.get("/accounts/login/", name="login", headers=self.headers)
        match = CAPTCHA_KEY.search(page.content or b"")
        key = (match.group(1) or match.group(2)).decode() if match else ""
        with self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": self.csrf(),
                "username": username,
                "password": PASSWORD,
                "captcha_0": key,
                "captcha_1": "PASSED",
            },
            headers=self.headers,
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {username} failed: HTTP {response.status_code}")

    def page(self, name, url, *, expect=200):
        with self.client.get(
            url, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code} (expected {expect})")

    def post(self, name, url, data, *, expect=302, location=None):
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.csrf()},
            name=name,
            headers=self.headers,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code} (expected {expect})")
            elif location and not (response.headers.get("Location") or "").endswith(location):
                response.failure(f"redirected to {response.headers.get('Location')}")


class ApplicantBase(Bench):
    abstract = True

    def setup(self):
        rows = FIXTURE["applicants"]
        self.me = rows[next(_applicants) % len(rows)]
        self.username = self.me["username"]
        pk, code = self.me["declaration"], self.me["section"]
        self.overview_url = f"/declarations/{pk}/"
        self.section_url = f"/declarations/{pk}/sections/{code}/"

    def home(self):
        self.page("applicant home", "/accounts/me/")

    def overview(self):
        self.page("overview", self.overview_url)

    def section_get(self):
        self.page("section GET", self.section_url)

    def section_post(self):
        self.post("section POST", self.section_url, self.me["post"], location=self.overview_url)


class UnitBase(Bench):
    abstract = True

    def setup(self):
        self.username = FIXTURE["unit"]["username"]
        self.q = FIXTURE["queue"]
        self.review_ids = FIXTURE["unit"]["review_ids"] or [0]
        self.review_number = next(_experts)

    def queue_page1(self):
        self.page("unit queue p1", "/review/")

    def queue_filtered(self):
        q = self.q
        self.page(
            "unit queue filtered",
            f"/review/?year={q['year']}&series={q['series']}&level={q['level']}&state={q['state']}",
        )

    def queue_name(self):
        self.page("queue name search", f"/review/?q={self.q['name']}")

    def queue_id(self):
        self.page("queue ID search", f"/review/?q={self.q['id_number']}")

    def queue_page_n(self):
        self.page("unit queue page N", f"/review/?page={self.q['page_n']}")

    def review(self):
        pk = self.review_ids[self.review_number % len(self.review_ids)]
        self.page("review page", f"/review/{pk}/")


class SupervisingBase(Bench):
    abstract = True

    def setup(self):
        self.username = FIXTURE["supervising"]["username"]

    def queue(self):
        self.page("supervising queue", "/review/")


class OfficeBase(Bench):
    abstract = True

    def setup(self):
        self.username = FIXTURE["office"]["username"]

    def inbox(self):
        self.page("committee inbox", "/committee/inbox/")


class ExpertBase(Bench):
    abstract = True

    def setup(self):
        experts = FIXTURE["experts"]
        number = next(_experts)
        self.username = experts["usernames"][number % len(experts["usernames"])]
        self.meeting_url = f"/committee/expert/meetings/{experts['meeting']}/"
        items = experts["items"]
        self.item_url = f"/committee/expert/items/{items[number % len(items)]}/"

    def voting(self):
        self.page("expert voting page", self.meeting_url)

    def item(self):
        self.page("expert item page", self.item_url)


class PublicBase(Bench):
    abstract = True

    def verify(self):
        self.page("verification", FIXTURE["verify"])


# --- one class per key page (wait_time 0, each user hits its page back to back) ----------------


class Floor(Bench):
    @task
    def floor(self):
        self.page("floor", "/")


class ApplicantHome(ApplicantBase):
    @task
    def t(self):
        self.home()


class Overview(ApplicantBase):
    @task
    def t(self):
        self.overview()


class SectionGet(ApplicantBase):
    @task
    def t(self):
        self.section_get()


class SectionPost(ApplicantBase):
    @task
    def t(self):
        self.section_post()


class ReviewPage(UnitBase):
    @task
    def t(self):
        self.review()


class UnitQueue(UnitBase):
    @task
    def t(self):
        self.queue_page1()


class UnitQueueFiltered(UnitBase):
    @task
    def t(self):
        self.queue_filtered()


class QueueNameSearch(UnitBase):
    @task
    def t(self):
        self.queue_name()


class QueueIdSearch(UnitBase):
    @task
    def t(self):
        self.queue_id()


class UnitQueuePageN(UnitBase):
    @task
    def t(self):
        self.queue_page_n()


class SupervisingQueue(SupervisingBase):
    @task
    def t(self):
        self.queue()


class CommitteeInbox(OfficeBase):
    @task
    def t(self):
        self.inbox()


class ExpertVoting(ExpertBase):
    @task
    def t(self):
        self.voting()


class Verification(PublicBase):
    @task
    def t(self):
        self.verify()


# --- the mix (of 32 users: 16 applicants, 8 unit reviewers, 2 each of the others) -------------

_MIX_USERS = USERS or 32


def _share(part):
    """This process's number of users of a kind: `part` sixteenths of its users (at least 1)."""
    return max(1, _MIX_USERS * part // 16)


class MixApplicant(ApplicantBase):
    fixed_count = _share(8)

    @task(2)
    def t_home(self):
        self.home()

    @task(3)
    def t_overview(self):
        self.overview()

    @task(3)
    def t_section(self):
        self.section_get()

    @task(2)
    def t_save(self):
        self.section_post()


class MixReviewer(UnitBase):
    fixed_count = _share(4)

    @task(3)
    def t_page1(self):
        self.queue_page1()

    @task(1)
    def t_filtered(self):
        self.queue_filtered()

    @task(1)
    def t_name(self):
        self.queue_name()

    @task(1)
    def t_id(self):
        self.queue_id()

    @task(1)
    def t_page_n(self):
        self.queue_page_n()

    @task(3)
    def t_review(self):
        self.review()


class MixSupervising(SupervisingBase):
    fixed_count = _share(1)

    @task
    def t(self):
        self.queue()


class MixOffice(OfficeBase):
    fixed_count = _share(1)

    @task
    def t(self):
        self.inbox()


class MixExpert(ExpertBase):
    fixed_count = _share(1)

    @task(3)
    def t_meeting(self):
        self.voting()

    @task(1)
    def t_item(self):
        self.item()


class MixPublic(PublicBase):
    fixed_count = _share(1)

    @task
    def t(self):
        self.verify()


MIX = ["MixApplicant", "MixReviewer", "MixSupervising", "MixOffice", "MixExpert", "MixPublic"]
