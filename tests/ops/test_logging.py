"""Request ids and JSON logs (LOG_FORMAT=json): what an operator greps for when a user reports
"the page failed at 10:42" with the error number from the page (issue 14)."""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from celery import signals

from core.logging import (
    JsonFormatter,
    RequestContextFilter,
    bind_request,
    current_request_id,
    unbind_request,
)
from tests.config.test_settings import run
from tests.integration.conftest import (  # noqa: F401  (fixtures)
    celery_workers,
    private_media,
    wait_for,
)


@pytest.fixture
def json_log():
    """Every record of the process, formatted as production's LOG_FORMAT=json formats it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestContextFilter())
    root = logging.getLogger()
    request_logger = logging.getLogger("zhicheng.request")
    old_level = request_logger.level
    request_logger.setLevel(logging.INFO)
    root.addHandler(handler)

    def lines():
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    request_logger.setLevel(old_level)


def _request_lines(lines):
    return [line for line in lines if line["logger"] == "zhicheng.request"]


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_its_id_user_and_duration(client, applicant, json_log):
    client.force_login(applicant)
    response = client.get("/", HTTP_X_REQUEST_ID="lb-7f3a9c01")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "lb-7f3a9c01"
    [line] = _request_lines(json_log())
    assert line["request_id"] == "lb-7f3a9c01"
    assert line["user_id"] == applicant.pk
    assert line["method"] == "GET"
    assert line["path"] == "/"
    assert line["status"] == 302
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO"
    assert line["time"].endswith("+00:00")
    assert line["message"].startswith("GET / 302 ")


@pytest.mark.django_db
def test_an_anonymous_request_gets_a_new_id_and_no_user(client, json_log):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32
    [line] = _request_lines(json_log())
    assert line["request_id"] == request_id
    assert line["user_id"] is None


@pytest.mark.parametrize(
    "offered",
    ["", "a b", 'x"}{"level": "ERROR"', "id\nforged line", "x" * 200, "编号"],
)
def test_an_unsafe_request_id_is_replaced(client, offered, json_log):
    response = client.get("/healthz/nothing-here", HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] != offered
    assert len(response["X-Request-ID"]) == 32


def test_lines_logged_while_the_request_runs_carry_its_id(rf, json_log):
    request = rf.get("/")
    tokens = bind_request(request, "req-42")
    try:
        logging.getLogger("applicants.views").warning("首页被访问")
    finally:
        unbind_request(tokens)
    logging.getLogger("applicants.views").warning("请求之外")
    inside, outside = [line for line in json_log() if line["logger"] == "applicants.views"]
    assert inside == {
        "time": inside["time"],
        "level": "WARNING",
        "logger": "applicants.views",
        "message": "首页被访问",
        "request_id": "req-42",
        "user_id": None,
    }
    assert outside["request_id"] is None


def test_an_exception_is_one_line_with_its_traceback(json_log):
    try:
        raise ValueError("坏数据")
    except ValueError:
        logging.getLogger("review.services").exception("审核失败")
    [line] = [line for line in json_log() if line["logger"] == "review.services"]
    assert line["level"] == "ERROR"
    assert "ValueError: 坏数据" in line["exc"]


def test_a_task_queued_during_a_request_carries_its_id_to_the_worker():
    headers = {}
    tokens = bind_request(None, "req-from-browser")
    try:
        # What Celery sends as it publishes a task message.
        signals.before_task_publish.send(sender="applicants.tasks.deliver_sms", headers=headers)
    finally:
        unbind_request(tokens)
    assert headers["request_id"] == "req-from-browser"

    # In the worker: the message's headers are the task's request attributes.
    assert current_request_id() is None

    class Task:
        request = SimpleNamespace(request_id=headers["request_id"])

    task = Task()
    signals.task_prerun.send(sender=task, task_id="t-1", task=task)
    assert current_request_id() == "req-from-browser"
    signals.task_postrun.send(sender=task, task_id="t-1", task=task)
    assert current_request_id() is None


def test_log_format_json_makes_every_line_of_the_process_json():
    script = (
        "import logging, django; django.setup(); "
        "logging.getLogger('committee.tasks').warning('证书已生成 %s 份', 3)"
    )
    result = run(["-c", script], LOG_FORMAT="json")
    assert result.returncode == 0, result.stderr
    [line] = [json.loads(text) for text in result.stderr.splitlines() if text.strip()]
    assert line["logger"] == "committee.tasks"
    assert line["message"] == "证书已生成 3 份"
    assert line["level"] == "WARNING"
    assert line["request_id"] is None


def test_plain_logs_stay_the_default():
    script = "import logging, django; django.setup(); logging.getLogger('x').warning('plain')"
    result = run(["-c", script])
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().endswith("WARNING x: plain")


@pytest.mark.celery_worker
def test_a_real_workers_json_lines_carry_the_id_of_the_request_that_queued_the_task(
    celery_workers,  # noqa: F811  (the fixture imported above)
):
    from attachments.tasks import check_attachment

    worker = celery_workers(env={"LOG_FORMAT": "json"})
    tokens = bind_request(None, "req-worker-check")
    try:
        check_attachment.delay(99_999_999)  # a file deleted before its check: logged, no-op
    finally:
        unbind_request(tokens)

    def task_lines():
        lines = [json.loads(t) for t in worker.output(20000).splitlines() if t.startswith("{")]
        return [line for line in lines if line["request_id"] == "req-worker-check"]

    assert wait_for(lambda: any(x["logger"] == "celery.app.trace" for x in task_lines()))
    loggers = {line["logger"] for line in task_lines()}
    assert {"attachments.services", "celery.app.trace"} <= loggers
