"""外发通知: a reminder reaches an organisation's webhook as signed JSON (checked by a real local HTTP
receiver); a receiver that answers 500 or does not answer is retried with back-off and logged, and gives up
after the last attempt; a URL that is not http(s) is refused."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from govit.audit.models import AuditEvent
from govit.core import clock
from govit.core.errors import PermissionDeniedError, ServiceError
from govit.obligations.models import WebhookDelivery
from govit.obligations.services import obligations_scan
from govit.obligations.webhooks import BACKOFF, deliveries_send, webhook_register

SECRET = "s3cret-for-the-robot-relay"


class Receiver:
    """A local HTTP server answering with the given status codes in turn (None: no answer in time)."""

    def __init__(self, answers: list[int | None]) -> None:
        self.answers = list(answers)
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append({"headers": self.headers, "body": body})
                answer = receiver.answers.pop(0) if receiver.answers else 200
                if answer is None:
                    threading.Event().wait(1.5)  # longer than the client waits
                    return
                self.send_response(answer)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/govit"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(answers: list[int | None]) -> Receiver:
        made.append(Receiver(answers))
        return made[-1]

    yield make
    for r in made:
        r.close()


def at(moment: dt.datetime):
    return clock.frozen_on(moment.date(), moment.time())


def due_soon_return(make_returned):
    with at(dt.datetime(2026, 11, 2, 9)):
        return make_returned(dt.date(2026, 11, 13))


def test_a_reminder_reaches_the_units_webhook_signed(world, make_returned, receiver, settings):
    settings.GOVIT_WEBHOOK_TIMEOUT = 1
    robot = receiver([200])
    webhook_register(
        actor=world["users"]["head"], organisation=world["orgs"]["education"], url=robot.url, secret=SECRET
    )
    project = due_soon_return(make_returned)
    with at(dt.datetime(2026, 11, 10, 9)):
        assert obligations_scan().webhooks == 1
        assert deliveries_send() == {"delivered": 1, "retrying": 0, "failed": 0}
    [request] = robot.received
    headers, body = request["headers"], request["body"]
    expected = hmac.new(SECRET.encode(), headers["X-GovIT-Timestamp"].encode() + b"." + body, hashlib.sha256)
    assert headers["X-GovIT-Signature"] == f"sha256={expected.hexdigest()}"
    assert headers["X-GovIT-Event"] == "obligation.due_soon"
    payload = json.loads(body)
    assert payload["project"] == {"id": project.pk, "name": project.name}
    assert payload["text"].startswith("【即将到期提醒】") and payload["obligation"]["due_on"] == "2026-11-13"
    assert WebhookDelivery.objects.get().state == "delivered"
    with at(dt.datetime(2026, 11, 10, 10)):
        assert obligations_scan().webhooks == 0 and deliveries_send()["delivered"] == 0  # nothing twice


def test_a_failing_receiver_is_retried_with_back_off_then_given_up(world, make_returned, receiver, settings):
    settings.GOVIT_WEBHOOK_TIMEOUT = 0.5
    robot = receiver([500, None] + [500] * 10)
    webhook_register(
        actor=world["users"]["head"], organisation=world["orgs"]["education"], url=robot.url, secret=SECRET
    )
    due_soon_return(make_returned)
    start = dt.datetime(2026, 11, 10, 9)
    with at(start):
        obligations_scan()
        assert deliveries_send() == {"delivered": 0, "retrying": 1, "failed": 0}
    delivery = WebhookDelivery.objects.get()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 500, "HTTP 500")
    with at(start + dt.timedelta(seconds=BACKOFF[0] - 1)):
        assert deliveries_send()["retrying"] == 0  # not before its time
    with at(start + dt.timedelta(seconds=BACKOFF[0])):
        assert deliveries_send()["retrying"] == 1  # the receiver does not answer in time
    delivery.refresh_from_db()
    assert (
        delivery.attempts == 2 and delivery.last_status is None and "timed out" in delivery.last_error.lower()
    )
    moment = start + dt.timedelta(seconds=BACKOFF[0])
    for wait in BACKOFF[1:]:
        moment += dt.timedelta(seconds=wait)
        with at(moment):
            deliveries_send()
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("failed", len(BACKOFF) + 1)
    assert len(robot.received) == len(BACKOFF) + 1


@pytest.mark.parametrize(
    "url", ["ftp://robot.example/hook", "javascript:alert(1)", "robot.example/hook", "http://"]
)
def test_only_http_urls_are_accepted(world, url):
    with pytest.raises(ServiceError, match="http:// 或 https://"):
        webhook_register(actor=world["users"]["head"], organisation=world["orgs"]["education"], url=url)


def test_only_the_unit_head_registers_its_webhook(world):
    with pytest.raises(PermissionDeniedError):
        webhook_register(
            actor=world["users"]["clerk"],
            organisation=world["orgs"]["education"],
            url="https://robot.example/hook",
        )
    assert AuditEvent.objects.filter(action="webhook.register_denied").exists()
    hook = webhook_register(
        actor=world["users"]["head"],
        organisation=world["orgs"]["education"],
        url="https://robot.example/hook",
    )
    assert len(hook.secret) == 48  # generated
    assert "secret" not in json.dumps(AuditEvent.objects.get(action="webhook.register").after)


def test_the_unit_head_manages_webhooks_on_a_page(world, login):
    head = login(world["users"]["head"])
    page = head.post(
        "/obligations/webhooks/",
        {"organisation": world["orgs"]["education"].pk, "url": "ftp://x"},
        follow=True,
    )
    assert "未能保存：接收地址须为 http:// 或 https://" in page.content.decode()
    page = head.post(
        "/obligations/webhooks/",
        {
            "organisation": world["orgs"]["education"].pk,
            "url": "https://robot.example/hook",
            "secret": SECRET,
        },
        follow=True,
    ).content.decode()
    assert (
        f"签名密钥（只显示这一次，请配置到接收端）：{SECRET}" in page and "https://robot.example/hook" in page
    )
    assert SECRET not in head.get("/obligations/webhooks/").content.decode()
    assert login(world["users"]["clerk"]).get("/obligations/webhooks/").status_code == 403
