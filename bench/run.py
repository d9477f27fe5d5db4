"""`make bench` (python -m bench): the key pages under load on PostgreSQL, each compared with a
bare Django view measured in the same run.

1. The database (BENCH_DATABASE, default zc_bench) is dropped, created, migrated and seeded
   with manage.py seed_bench, unless --reuse and the fixture of that database exists.
2. collectstatic into var/bench/static.
3. gunicorn serves config.wsgi with the production settings (DEBUG off, 3 sync workers) on
   BENCH_PORT (8101) and bench.floor (3 sync workers) on BENCH_FLOOR_PORT (8102).
4. locust (bench/locustfile.py) drives the floor, then each key page with BENCH_USERS (16)
   users for BENCH_SECONDS (20) after BENCH_WARMUP (5) seconds, then the mix with
   BENCH_MIX_USERS (32) after BENCH_MIX_WARMUP (15) seconds; each window starts once every
   locust process has logged all its users in. The SQL queries of each page are counted
   through the test client.
5. The table is printed and written to var/bench/results.json.

--memory: instead of the pages, the mix runs for BENCH_MEMORY_REQUESTS (100,000) requests and
each gunicorn worker's RSS is printed after a warm-up and at the end.
--pages a,b: only these pages (class names of bench/locustfile.py). --no-mix, --no-queries.
Processes started here are stopped on exit and on Ctrl-C.
"""

import argparse
import datetime
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("BENCH_VAR", ROOT / "var" / "bench"))
BIN = Path(sys.executable).parent
PY = sys.executable

# (locust class, name of its requests, label in the table)
PAGES = [
    ("ApplicantHome", "applicant home", "applicant home"),
    ("Overview", "overview", "overview (complete, with files)"),
    ("SectionGet", "section GET", "section GET (education)"),
    ("SectionPost", "section POST", "section POST (education)"),
    ("ReviewPage", "review page", "unit's review page"),
    ("UnitQueue", "unit queue p1", "unit queue p1 (9,000 rows)"),
    ("UnitQueueFiltered", "unit queue filtered", "unit queue, filters"),
    ("QueueNameSearch", "queue name search", "queue name search"),
    ("QueueIdSearch", "queue ID search", "queue ID-number search"),
    ("UnitQueuePageN", "unit queue page N", "unit queue page N"),
    ("SupervisingQueue", "supervising queue", "supervising queue (1,000)"),
    ("CommitteeInbox", "committee inbox", "committee inbox"),
    ("ExpertVoting", "expert voting page", "expert voting page"),
    ("Verification", "verification", "certificate verification"),
]
MIX = ["MixApplicant", "MixReviewer", "MixSupervising", "MixOffice", "MixExpert", "MixPublic"]
RATIO_TARGET = 15
MIX_RPS_TARGET = 350
MIX_P99_TARGET = 300
QUERY_TARGET = 15
MEMORY_TARGET = 10  # % growth


def env_int(name, default):
    return int(os.environ.get(name, default))


def percentile(sorted_values, share):
    if not sorted_values:
        return None
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(times, window, errors):
    times = sorted(times)
    return {
        "requests": len(times),
        "rps": len(times) / window if window else 0,
        "p50": percentile(times, 0.50),
        "p99": percentile(times, 0.99),
        "errors": errors,
    }


def merge(parts):
    """One measurement from the locust processes' (the same window in each; for --memory, the
    longest one)."""
    window = max(p["window"] for p in parts)
    pages = {}
    for name in sorted({name for p in parts for name in p["pages"]}):
        times = [t for p in parts for t in p["pages"].get(name, {}).get("times", [])]
        errors = sum(p["pages"].get(name, {}).get("errors", 0) for p in parts)
        pages[name] = summary(times, window, errors)
    samples = {}
    for p in parts:
        for key, value in p["error_samples"].items():
            samples.setdefault(key, value)
    return {
        "window": window,
        "processes": len(parts),
        "pages": pages,
        "total": summary(
            [t for p in parts for t in p["total"]["times"]],
            window,
            sum(p["total"]["errors"] for p in parts),
        ),
        "login_errors": sum(p["login_errors"] for p in parts),
        "error_samples": samples,
        "all_requests": sum(p["all_requests"] for p in parts),
    }


class Bench:
    def __init__(self, args):
        self.args = args
        self.db = os.environ.get("BENCH_DATABASE", "zc_bench")
        self.pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        self.redis = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
        self.port = env_int("BENCH_PORT", 8101)
        self.floor_port = env_int("BENCH_FLOOR_PORT", 8102)
        self.seconds = env_int("BENCH_SECONDS", 20)
        self.warmup = env_int("BENCH_WARMUP", 5)
        # The mix's 15 kinds of request warm 3 workers' per-process caches and prepared
        # statements (5 runs per connection) more slowly than one page does.
        self.mix_warmup = env_int("BENCH_MIX_WARMUP", 15)
        self.users = env_int("BENCH_USERS", 16)
        self.mix_users = env_int("BENCH_MIX_USERS", 32)
        self.workers = env_int("BENCH_WORKERS", 3)
        # locust processes sharing the users (2 gave a higher floor than 1 on the 2-core machine)
        self.processes = env_int("BENCH_LOCUST_PROCESSES", 2)
        self.declarations = env_int("BENCH_DECLARATIONS", 10_000)
        self.fixture = VAR / "fixture.json"
        self.procs: list[subprocess.Popen] = []
        self.lines: list[str] = []
        self.phases: dict[str, float] = {}

    # -- helpers

    def say(self, text=""):
        print(text, flush=True)
        self.lines.append(text)

    def app_env(self, **extra):
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "bench.settings",
                "DEBUG": "false",
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"{self.pg}/{self.db}",
                "REDIS_URL": self.redis,
                "ALLOWED_HOSTS": "127.0.0.1",
                "SECURE_SSL_REDIRECT": "false",
                "CAPTCHA_TEST_MODE": "true",
                "STATIC_ROOT": str(VAR / "static"),
                "MEDIA_ROOT": str(VAR / "private"),
                "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra)
        return env

    def manage(self, *argv, env=None):
        subprocess.run([PY, "manage.py", *argv], cwd=ROOT, env=env or self.app_env(), check=True)

    def psql(self, sql, db="postgres"):
        return subprocess.run(
            ["psql", f"{self.pg}/{db}", "-v", "ON_ERROR_STOP=1", "-tAc", sql],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()

    def phase(self, name, started):
        self.phases[name] = round(time.perf_counter() - started, 1)

    # -- 1. the database

    def seeded(self) -> bool:
        if not self.fixture.exists():
            return False
        try:
            data = json.loads(self.fixture.read_text(encoding="utf-8"))
        except ValueError:
            return False
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.db}'")
        return data.get("database") == self.db and exists == "1"

    def database(self):
        started = time.perf_counter()
        if self.args.reuse and self.seeded():
            # Migrations added since it was seeded (indexes, say) still apply, with fresh
            # planner statistics.
            self.say(
                f"Reusing the seeded database {self.db} ({self.fixture}); migrate, VACUUM ANALYZE"
            )
            self.manage("migrate", "--noinput", "-v0")
            self.psql("VACUUM ANALYZE", db=self.db)
            self.phase("migrate", started)
            return
        self.say(f"Creating and seeding the database {self.db} (drops it first)")
        self.psql(f'DROP DATABASE IF EXISTS "{self.db}" WITH (FORCE)')
        self.psql(f'CREATE DATABASE "{self.db}"')
        # Seeding runs its tasks in-process (no worker needed) and never sends mail.
        env = self.app_env(
            REDIS_URL="",
            DEBUG="true",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        )
        self.manage("migrate", "--noinput", "-v0", env=env)
        self.phase("migrate", started)
        started = time.perf_counter()
        VAR.mkdir(parents=True, exist_ok=True)
        if self.fixture.exists():
            self.fixture.unlink()
        tmp = VAR / "fixture.tmp.json"
        self.manage(
            "seed_bench",
            "--declarations",
            str(self.declarations),
            "--output",
            str(tmp),
            env=env,
        )
        data = json.loads(tmp.read_text(encoding="utf-8"))
        data["database"] = self.db
        self.fixture.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.unlink()
        # What autovacuum does within a minute of a bulk load in production: fresh planner
        # statistics and the visibility map that index-only scans (the queue pages) rely on.
        self.psql("VACUUM ANALYZE", db=self.db)
        self.phase("seed", started)

    # -- 2.-3. static files and the servers

    def start(self, name, argv, env, port):
        # Another server on the port (an earlier run still ending) would answer in its place
        # and the run would measure it, or nothing: refuse instead.
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise SystemExit(f"port {port} is in use (an earlier bench still running?)")
        log = open(VAR / f"{name}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        proc.log = log
        proc.name = name
        self.procs.append(proc)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited; see {VAR / (name + '.log')}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                return proc
            except urllib.error.HTTPError:
                return proc  # it answers (a redirect or an error page is fine here)
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"{name} did not answer on port {port}")

    def servers(self):
        started = time.perf_counter()
        self.manage("collectstatic", "--noinput", "-v0")
        self.phase("collectstatic", started)
        subprocess.run(["redis-cli", "-u", self.redis, "FLUSHDB"], check=False, capture_output=True)
        gunicorn = str(BIN / "gunicorn")
        common = ["-w", str(self.workers), "--worker-class", "sync", "--log-level", "warning"]
        self.app = self.start(
            "gunicorn",
            [gunicorn, "config.wsgi", "-b", f"127.0.0.1:{self.port}", *common],
            self.app_env(),
            self.port,
        )
        self.floor = self.start(
            "floor",
            [gunicorn, "bench.floor", "-b", f"127.0.0.1:{self.floor_port}", *common],
            dict(os.environ, PYTHONUNBUFFERED="1"),
            self.floor_port,
        )

    def stop(self):
        for proc in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for proc in self.procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.log.close()
        self.procs = []

    # -- 4. the load

    def locust(self, classes, users, port, *, out, seconds=None, max_requests=0, warmup=None):
        """Run locust with these user classes in self.processes processes (the users split
        between them), wait for all, and merge their measurements."""
        seconds = self.seconds if seconds is None else seconds
        warmup = self.warmup if warmup is None else warmup
        count = max(1, min(self.processes, users))
        shares = [users // count + (1 if i < users % count else 0) for i in range(count)]
        running = []
        offset = 0
        # Each process marks here when all its users have logged in; the window starts when
        # every process has (bench/locustfile.py: _ready).
        ready_dir = VAR / "ready"
        ready_dir.mkdir(parents=True, exist_ok=True)
        for marker in ready_dir.iterdir():
            marker.unlink()
        for index, share in enumerate(shares):
            part = out.with_suffix(f".p{index}.json")
            if part.exists():
                part.unlink()
            env = dict(
                os.environ,
                BENCH_FIXTURE=str(self.fixture),
                BENCH_OUT=str(part),
                BENCH_WARMUP=str(warmup),
                BENCH_SECONDS=str(seconds),
                BENCH_MAX_REQUESTS=str(max_requests // count if max_requests else 0),
                BENCH_USERS_TOTAL=str(share),
                BENCH_INDEX_OFFSET=str(offset),
                BENCH_READY_DIR=str(ready_dir),
                BENCH_PROCESS=str(index),
                BENCH_PROCESSES=str(count),
            )
            offset += share
            # locust stops itself at the end of the window (after the logins); -t is a
            # safety net.
            run_time = f"{3600 if max_requests else warmup + seconds + 300}s"
            argv = [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "-u",
                str(share),
                "-r",
                str(share),
                "-t",
                run_time,
                "--host",
                f"http://127.0.0.1:{port}",
                "--only-summary",
                "--loglevel",
                "ERROR",
                "--exit-code-on-error",
                "0",
                *classes,
            ]
            proc = subprocess.Popen(
                argv,
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            proc.log = open(os.devnull, "w")  # noqa: SIM115
            self.procs.append(proc)
            running.append((proc, part))
        parts = []
        for proc, part in running:
            _out, err = proc.communicate()
            self.procs.remove(proc)
            proc.log.close()
            if not part.exists():
                raise SystemExit(f"locust wrote no result for {classes}: {err[-2000:]}")
            parts.append(json.loads(part.read_text(encoding="utf-8")))
        merged = merge(parts)
        out.write_text(json.dumps(merged, ensure_ascii=False, indent=1), encoding="utf-8")
        return merged

    def floor_run(self):
        result = self.locust(["Floor"], self.users, self.floor_port, out=VAR / "out-floor.json")
        return result["pages"]["floor"]

    def queries(self):
        started = time.perf_counter()
        proc = subprocess.run(
            [PY, "-m", "bench.queries", str(self.fixture)],
            cwd=ROOT,
            env=self.app_env(),
            capture_output=True,
            text=True,
        )
        self.phase("queries", started)
        if proc.returncode:
            self.say(f"(query counts failed: {proc.stderr[-1500:]})")
            return {}
        return json.loads(proc.stdout.strip().splitlines()[-1])

    # -- 5. the report

    def table(self, rows):
        widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
        for index, row in enumerate(rows):
            cells = [
                str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i])
                for i, c in enumerate(row)
            ]
            self.say(" | ".join(cells))
            if index == 0:
                self.say("-+-".join("-" * w for w in widths))

    @staticmethod
    def ms(value):
        return "-" if value is None else f"{value:.0f}"

    def run_pages(self):
        selected = self.args.pages.split(",") if self.args.pages else None
        pages = [p for p in PAGES if selected is None or p[0] in selected]
        results = {"floor": {}, "pages": {}, "mix": None}
        started = time.perf_counter()
        floor = self.floor_run()
        results["floor"]["before"] = floor
        self.say(f"floor: {floor['rps']:.0f} req/s, p99 {self.ms(floor['p99'])} ms")
        for cls, name, label in pages:
            data = self.locust([cls], self.users, self.port, out=VAR / f"out-{cls}.json")
            page = data["pages"].get(name) or {
                "requests": 0,
                "rps": 0,
                "p50": None,
                "p99": None,
                "errors": 0,
            }
            page["login_errors"] = data["login_errors"]
            page["error_samples"] = data["error_samples"]
            results["pages"][cls] = page
            self.say(
                f"{label}: {page['rps']:.1f} req/s, p50 {self.ms(page['p50'])} ms, "
                f"p99 {self.ms(page['p99'])} ms, errors {page['errors']}"
                + (f" {data['error_samples']}" if data["error_samples"] else "")
            )
        self.phase("pages", started)
        if not self.args.no_mix:
            started = time.perf_counter()
            mix = self.locust(
                MIX, self.mix_users, self.port, out=VAR / "out-mix.json", warmup=self.mix_warmup
            )
            results["mix"] = mix
            self.say(
                f"mix: {mix['total']['rps']:.0f} req/s, p99 {self.ms(mix['total']['p99'])} ms, "
                f"errors {mix['total']['errors']}"
            )
            self.phase("mix", started)
        # The floor again at the end: the machine is shared, its load changes during a run.
        after = self.floor_run()
        results["floor"]["after"] = after
        self.say(f"floor (end): {after['rps']:.0f} req/s")
        results["queries"] = {} if self.args.no_queries else self.queries()
        return pages, results

    def report(self, pages, results):
        # The floor is measured at the start and at the end (the machine may be shared and its
        # load change during a run): the ratios use the higher of the two, the stricter.
        floors = [results["floor"]["before"], results["floor"].get("after") or {"rps": 0}]
        floor = max(floors, key=lambda f: f["rps"])
        floor_rps = floor["rps"]
        results["floor"]["used"] = floor_rps
        queries = results.get("queries", {})
        self.say()
        self.say(
            f"make bench — {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
            f"{os.cpu_count()} CPUs, gunicorn {self.workers} sync workers, {self.users} users "
            f"per page, {self.seconds}s each after {self.warmup}s warm-up (the mix "
            f"{self.mix_warmup}s), "
            f"{self.processes} locust processes, database {self.db}"
        )
        rows = [("page", "req/s", "p50 ms", "p99 ms", "errors", "× floor", "queries", "target")]
        rows.append(
            (
                "floor (bare Django view)",
                f"{floor_rps:.0f}",
                self.ms(floor["p50"]),
                self.ms(floor["p99"]),
                floor["errors"],
                "1.0",
                "0",
                "",
            )
        )
        for cls, name, label in pages:
            page = results["pages"][cls]
            ratio = floor_rps / page["rps"] if page["rps"] else float("inf")
            page["ratio"] = ratio
            count = queries.get(name, {}).get("queries")
            met = (
                ratio <= RATIO_TARGET
                and page["errors"] == 0
                and page["requests"] > 0
                and (count is None or count <= QUERY_TARGET)
            )
            page["met"] = met
            rows.append(
                (
                    label,
                    f"{page['rps']:.1f}",
                    self.ms(page["p50"]),
                    self.ms(page["p99"]),
                    page["errors"],
                    f"{ratio:.0f}×" if ratio != float("inf") else "∞",
                    "-" if count is None else count,
                    "met" if met else "NOT met",
                )
            )
        mix = results.get("mix")
        if mix:
            total = mix["total"]
            met = (
                total["rps"] >= MIX_RPS_TARGET
                and (total["p99"] or 1e9) < MIX_P99_TARGET
                and total["errors"] == 0
            )
            results["mix_met"] = met
            rows.append(
                (
                    f"mix, {self.mix_users} users",
                    f"{total['rps']:.1f}",
                    self.ms(total["p50"]),
                    self.ms(total["p99"]),
                    total["errors"],
                    f"{floor_rps / total['rps']:.0f}×" if total["rps"] else "∞",
                    "",
                    "met" if met else "NOT met",
                )
            )
        self.table(rows)
        after = results["floor"].get("after")
        if after:
            self.say(
                f"floor at the start {floors[0]['rps']:.0f} req/s, at the end "
                f"{after['rps']:.0f} req/s (ratios use the higher)"
            )
        self.say(
            f"targets: each page ≤ {RATIO_TARGET}× the floor, no errors, ≤ {QUERY_TARGET} "
            f"queries; mix ≥ {MIX_RPS_TARGET} req/s with p99 < {MIX_P99_TARGET} ms, no errors"
        )
        if mix:
            self.say("mix by page:")
            for name, page in sorted(mix["pages"].items()):
                self.say(
                    f"  {name}: {page['rps']:.1f} req/s, p50 {self.ms(page['p50'])} ms, "
                    f"p99 {self.ms(page['p99'])} ms, errors {page['errors']}"
                )
        bad = {k: v for k, v in queries.items() if v.get("status") not in (200, 302)}
        if bad:
            self.say(f"query count pages with an unexpected status: {bad}")

    # -- --memory

    def worker_rss(self):
        import psutil

        master = psutil.Process(self.app.pid)
        return {child.pid: child.memory_info().rss for child in master.children()}

    def memory(self):
        total = env_int("BENCH_MEMORY_REQUESTS", 100_000)
        warm = env_int("BENCH_MEMORY_WARMUP", 5_000)
        started = time.perf_counter()
        self.locust(MIX, self.mix_users, self.port, out=VAR / "out-warm.json", max_requests=warm)
        before = self.worker_rss()
        data = self.locust(
            MIX, self.mix_users, self.port, out=VAR / "out-memory.json", max_requests=total
        )
        after = self.worker_rss()
        self.phase("memory", started)
        self.say(
            f"memory: the mix for {data['all_requests']} requests after a {warm}-request "
            f"warm-up ({data['total']['rps']:.0f} req/s, errors {data['total']['errors']})"
        )
        rows = [("worker pid", "RSS after warm-up MB", "RSS at the end MB", "growth", "target")]
        worst = 0.0
        result = {}
        for pid, rss in before.items():
            end = after.get(pid)
            if end is None:
                rows.append((pid, f"{rss / 2**20:.1f}", "(restarted)", "-", "NOT met"))
                worst = float("inf")
                continue
            growth = (end - rss) / rss * 100
            worst = max(worst, growth)
            result[pid] = {"before": rss, "after": end, "growth": growth}
            rows.append(
                (
                    pid,
                    f"{rss / 2**20:.1f}",
                    f"{end / 2**20:.1f}",
                    f"{growth:+.1f}%",
                    "met" if growth < MEMORY_TARGET else "NOT met",
                )
            )
        self.table(rows)
        return {"workers": result, "worst_growth": worst, "run": data}

    # -- main

    def main(self):
        VAR.mkdir(parents=True, exist_ok=True)
        began = time.perf_counter()
        self.database()
        self.servers()
        if self.args.memory:
            results = {"memory": self.memory()}
        else:
            pages, results = self.run_pages()
            self.report(pages, results)
        self.phases["total"] = round(time.perf_counter() - began, 1)
        results["phases"] = self.phases
        self.say(f"phases (s): {self.phases}")
        name = "results-memory.json" if self.args.memory else "results.json"
        (VAR / name).write_text(
            json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
        (VAR / name.replace(".json", ".txt")).write_text(
            "\n".join(self.lines) + "\n", encoding="utf-8"
        )
        self.say(f"written: {VAR / name}")


def parse(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--memory", action="store_true", help="workers' RSS over the mix")
    parser.add_argument("--pages", default="", help="only these pages (locust class names)")
    parser.add_argument("--no-mix", action="store_true")
    parser.add_argument("--no-queries", action="store_true")
    return parser.parse_args(argv)


def main(argv=None):
    bench = Bench(parse(argv))

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    try:
        bench.main()
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        bench.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
