"""Crash safety (ASVS 2.3.3 all-or-nothing; 等保 8.1.4.7 b 数据完整性, 8.1.4.9 数据备份恢复): the application
runs as a real gunicorn process against a database of its own (a SQLite file, or a new PostgreSQL database
when the suite runs on PostgreSQL) and is driven over HTTP by a unit clerk and a bureau reviewer — logged in
through the login page, CSRF token sent — submitting, withdrawing and returning declarations and uploading
materials, while it is killed with SIGKILL at random moments (fixed seed). After the last kill it is started
again and the data must hold together:

- every project's status is the ``to_status`` of its last transition row;
- every transition has its audit event (same project, same order, same status) and no event lacks its row;
- ``govit audit verify`` passes;
- every attachment row's file exists and its plaintext has the SM3 digest recorded at upload;
- no file under MEDIA_ROOT is left that no attachment row refers to, once ``govit documents sweep`` — the
  clean-up for uploads killed between the file write and the commit — has run.

The sweep itself is tested in-process below (ages −1 s / on / +1 s around the limit, dry run, audit event)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SEED = 20261123
ROUNDS = 5
PASSWORD = "Crash@2026pass"
PDF_HEAD = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n"
PDF_TAIL = b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


# --- the site under test --------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Site:
    """A GovIT installation in ``directory`` — its own data directory, media root and database."""

    def __init__(self, directory: Path, database_url: str | None) -> None:
        self.directory = directory
        self.media = directory / "media"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GOVIT_", "DJANGO_"))}
        self.env.pop("DATABASE_URL", None)
        self.env.update(
            {
                "DJANGO_SETTINGS_MODULE": "govit.settings",
                "GOVIT_DATA_DIR": str(directory),
                "GOVIT_MEDIA_ROOT": str(self.media),
                "GOVIT_STORAGE": "local",
                "GOVIT_ALLOWED_HOSTS": "127.0.0.1",
                "PYTHONPATH": str(ROOT),
            }
        )
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PYTHON, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def script(self, code: str) -> Any:
        """Run ``code`` with Django set up; it prints one JSON document as its last line."""
        done = self.run("-c", "import django; django.setup()\n" + code)
        assert done.returncode == 0, done.stderr[-3000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        self.port = _free_port()
        log = open(self.directory / "server.log", "ab")  # kept open for the server's life
        self.server = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "govit.wsgi:application",
                f"--bind=127.0.0.1:{self.port}",
                "--workers=2",
                "--worker-class=gthread",
                "--threads=4",
                "--timeout=60",
                "--preload",  # the application is loaded once, before the workers fork
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group: the kill takes the master and every worker
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.server.poll() is None, (self.directory / "server.log").read_text()[-3000:]
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not come up")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        assert self.server is not None
        try:
            os.killpg(self.server.pid, sig)
        except ProcessLookupError:
            pass
        self.server.wait(timeout=30)
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Browser:
    """One user's cookie jar; POSTs carry the CSRF token the way a browser's form does."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())
        self.token = ""
        self.location = ""

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> int:
        request = urllib.request.Request(self.site.url + path, data=data, headers=headers or {})
        try:
            with self.opener.open(request, timeout=30) as answer:
                body = answer.read().decode("utf-8", "replace")
                status = int(answer.status)
                self.location = answer.headers.get("Location", "")
        except urllib.error.HTTPError as answer:
            body, status = answer.read().decode("utf-8", "replace"), int(answer.code)
            self.location = answer.headers.get("Location", "")
        found = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if found:
            self.token = found[-1]
        return status

    def post(self, path: str, fields: dict[str, str], upload: tuple[str, bytes] | None = None) -> int:
        fields = {**fields, "csrfmiddlewaretoken": self.token}
        headers = {"Referer": self.site.url + path, "X-CSRFToken": self.token}
        if upload is None:
            return self.request(path, urllib.parse.urlencode(fields).encode(), headers)
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        name, content = upload
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        return self.request(path, b"".join(parts), headers)

    def login(self, username: str, totp_key: str = "") -> None:
        assert self.request("/login/") == 200
        status = self.post("/login/", {"username": username, "password": PASSWORD})
        assert status == 302, f"login of {username} answered {status}"
        if self.request("/projects/") == 302 and "/otp" in self.location:  # a reviewer's second factor
            step = urllib.parse.urlsplit(self.location)
            path = step.path + (f"?{step.query}" if step.query else "")
            assert self.request(path) == 200
            assert self.post(path, {"token": _totp(totp_key)}) == 302, f"the dynamic code of {username}"
        status = self.request("/projects/")  # a page with a form: the token of the new session
        assert status == 200, f"after the login of {username}: {status} to {self.location}"


def _totp(key_hex: str, at: float | None = None) -> str:
    """The 6-digit RFC 6238 code (HMAC-SHA1, 30 s) an authenticator app shows for ``key_hex``."""
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(int.from_bytes(digest[offset : offset + 4], 'big') & 0x7FFFFFFF) % 1_000_000:06d}"


# --- data set up in the site's own database --------------------------------------------------------------------

SEED_SCRIPT = """
import json
from govit.accounts.choices import JurisdictionLevel, OrganisationKind, Role
from govit.accounts.models import Jurisdiction, Organisation, User
from govit.accounts.services import role_assign, user_create
from govit.documents.selectors import requirement_find
from govit.projects.models import Project
from govit.projects.packforms import declaration_forms, sample_values
from govit.projects.policy import project_policy
from govit.projects.services import project_create

anhui = Jurisdiction.objects.create(code="340000", name="安徽省", level=JurisdictionLevel.PROVINCE)
luan = Jurisdiction.objects.create(code="341500", name="六安市", level=JurisdictionLevel.CITY, parent=anhui)
county = Jurisdiction.objects.create(
    code="341523", name="舒城县", level=JurisdictionLevel.COUNTY, parent=luan, pack_code="shucheng"
)
bureau = Organisation.objects.create(
    jurisdiction=county, name="舒城县数据资源管理局", kind=OrganisationKind.COMPETENT_BUREAU
)
unit = Organisation.objects.create(jurisdiction=county, name="舒城县教育局", kind=OrganisationKind.DEPARTMENT)
for username, organisation, role in [("crash_clerk", unit, Role.CLERK), ("crash_reviewer", bureau, Role.REVIEWER)]:
    user = user_create(actor=None, username=username, password=PASSWORD, display_name=username,
                       organisation=organisation)
    role_assign(actor=None, user=user, organisation=organisation, role=role)
# A password set by the test is not an initial password the user must change at first login.
if any(f.name == "password_must_change" for f in User._meta.get_fields()):
    User.objects.filter(username__startswith="crash_").update(password_must_change=False)
# The reviewer's role needs a second factor: an authenticator bound with a key the test knows.
totp_key = ""
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice
except ImportError:
    pass
else:
    device = TOTPDevice.objects.create(user=User.objects.get(username="crash_reviewer"), name="身份验证器",
                                       confirmed=True)
    totp_key = device.key
clerk = User.objects.get(username="crash_clerk")
subjects = ["防汛监测预警", "农村集体三资监管", "殡葬服务管理", "不动产登记受理", "医保基金监管", "林长制巡护"]
ids = []
for subject in subjects:
    project = project_create(actor=clerk, lead_unit=unit, fields={
        "name": f"县{subject}信息系统", "year": 2027, "nature": "NEW", "procurement_category": "SERVICE",
        "summary": f"{subject}业务数字化。", "content": f"{subject}数据采集与业务办理。",
        "cost_software": 1_800_000, "cost_equipment": 400_000, "fund_fiscal": 2_200_000,
    })
    filled = {form.id: sample_values(project, form) for form in declaration_forms(project)}
    Project.objects.filter(pk=project.pk).update(form_data=filled)
    ids.append(project.pk)
project = Project.objects.get(pk=ids[0])
documents = project_policy(project).get("documents") or {}
codes = [d["code"] for stage in documents.values() for d in stage if requirement_find(project, d["code"])]
print(json.dumps({"projects": ids, "codes": list(dict.fromkeys(codes))[:4], "totp_key": totp_key}))
"""

CHECK_SCRIPT = """
import json
from pathlib import Path
from cryptography.hazmat.primitives import hashes
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from govit.audit.models import AuditEvent
from govit.documents.models import Attachment
from govit.projects.models import Project, ProjectTransition

try:
    from govit.documents import crypto
    key = crypto.storage_key()
    def chunks(handle):
        return crypto.plaintext_chunks(handle, key)
except ImportError:
    def chunks(handle):
        return iter(lambda: handle.read(65536), b"")

TRANSITION_ACTIONS = {"project.create": "DRAFT", "declaration.submit": "SUBMITTED",
                      "declaration.withdraw": "DRAFT", "stage.revise": "RETURNED", "stage.pass": "IN_REVIEW",
                      "stage.end": "NOT_SUPPORTED"}
def check():
    problems = []
    for project in Project.objects.order_by("pk"):
        rows = list(ProjectTransition.objects.filter(project=project).order_by("id"))
        if not rows or rows[-1].to_status != project.status:
            problems.append(f"project {project.pk}: status {project.status}, last transition "
                            f"{rows[-1].to_status if rows else None}")
        events = AuditEvent.objects.filter(
            target_type="projects.Project", target_id=str(project.pk), action__in=TRANSITION_ACTIONS,
            outcome="success").order_by("seq")
        logged = [(e.after or {}).get("status", TRANSITION_ACTIONS[e.action]) for e in events]
        if logged != [r.to_status for r in rows]:
            problems.append(f"project {project.pk}: transitions {[r.to_status for r in rows]} != audit {logged}")
    try:
        call_command("audit_verify", stdout=open("/dev/null", "w"))
    except CommandError as error:
        problems.append(f"audit verify: {error}")
    media = Path(settings.MEDIA_ROOT)
    referenced = set()
    for attachment in Attachment.objects.all():
        referenced.add(attachment.file.name)
        path = media / attachment.file.name
        if not path.is_file():
            problems.append(f"attachment {attachment.pk}: file missing")
            continue
        digest = hashes.Hash(hashes.SM3())
        with path.open("rb") as handle:
            for block in chunks(handle):
                digest.update(block)
        if digest.finalize().hex() != attachment.sm3:
            problems.append(f"attachment {attachment.pk}: SM3 digest does not match")
    files = {str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()} if media.exists() else set()
    return {
        "problems": problems,
        "orphans": sorted(files - referenced),
        "projects": Project.objects.count(),
        "transitions": ProjectTransition.objects.count(),
        "attachments": len(referenced),
        "events": AuditEvent.objects.count(),
        "actions": sorted({f"{e.action}/{e.outcome}" for e in AuditEvent.objects.all()}),
    }

import io
before = check()
report = io.StringIO()
call_command("documents_sweep", "--older-than-hours", "0", stdout=report, stderr=io.StringIO())
print(json.dumps({"before": before, "sweep": report.getvalue(), "after": check()}))
"""


def _database_copy(directory: Path) -> tuple[str | None, str]:
    """A copy of the (migrated) test database for the site: SQLite's in-memory test database written to a
    file in ``directory`` (the settings' default file name), or a new PostgreSQL database made from the test
    database as its template. Returns the site's DATABASE_URL (None: the SQLite default) and, on PostgreSQL,
    the database to drop afterwards."""
    from django.db import connection

    source = str(connection.settings_dict["NAME"])
    assert "test" in source or "memory" in source, f"not a test database: {source}"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(directory / "govit.sqlite3")
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return None, ""
    import psycopg

    name = f"govit_crash_{uuid.uuid4().hex[:8]}"
    connection.close()  # a template must have no open sessions
    with psycopg.connect(_admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), name


def _admin_url() -> str:
    parts = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path="/postgres"))


@pytest.fixture
def robust_site(tmp_path: Path, transactional_db: Any) -> Any:
    """A site with a database of its own — a copy of the migrated test database — holding a clerk, a
    reviewer and six draft declarations; on PostgreSQL that database is dropped afterwards."""
    database_url, name = _database_copy(tmp_path)
    site = Site(tmp_path, database_url)
    try:
        site.seed = site.script(f"PASSWORD = {PASSWORD!r}\n" + SEED_SCRIPT)
        yield site
    finally:
        if site.server is not None:
            site.kill()
        if name:
            import psycopg

            with psycopg.connect(_admin_url(), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the workload ----------------------------------------------------------------------------------------------


class Workload:
    """Clerks and a reviewer acting on the seeded declarations until the server dies under them."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.projects: list[int] = site.seed["projects"]
        self.codes: list[str] = site.seed["codes"]
        self.sent = 0
        self.by_clerks = 0  # answered clerk requests: the kill waits for some of these
        self.cut_off = 0  # requests the kill interrupted (no answer)
        self.lock = threading.Lock()

    def _clerk(self, browser: Browser, rng: random.Random) -> None:
        pid = rng.choice(self.projects)
        action = rng.choices(["submit", "withdraw", "upload"], weights=[3, 2, 3])[0]
        if action == "submit":
            browser.post(f"/projects/{pid}/submit/", {})
        elif action == "withdraw":
            browser.post(f"/projects/{pid}/withdraw/", {"reason": "补充材料后重新申报"})
        else:
            size = rng.randrange(64 * 1024, 768 * 1024)  # large enough for a kill to land mid-write
            content = PDF_HEAD + b"%" + rng.randbytes(size) + PDF_TAIL
            browser.post(
                f"/projects/{pid}/attachments/",
                {"requirement_code": rng.choice(self.codes), "note": ""},
                upload=(f"材料{rng.randrange(1000)}.pdf", content),
            )

    def _reviewer(self, browser: Browser, rng: random.Random) -> None:
        time.sleep(0.1)  # drafts are invisible to the bureau (404): do not outpace the clerks
        pid = rng.choice(self.projects)
        browser.post(
            f"/projects/{pid}/workflow/decide/",
            {
                "stage_id": "ST-000-04",
                "outcome": "revise",
                "reason": "请补充共享清单",
                "due_date": "2030-06-30",
            },
        )

    def actor(self, browser: Browser, act: Any, seed: int) -> None:
        rng = random.Random(seed)
        while True:
            try:
                act(browser, rng)
            except (OSError, http.client.HTTPException):  # the server was killed mid-request
                with self.lock:
                    self.cut_off += 1
                return
            with self.lock:
                self.sent += 1
                self.by_clerks += act == self._clerk

    def wait_for(self, answered: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.by_clerks < answered and time.monotonic() < deadline:
            time.sleep(0.02)


def test_killed_at_random_moments_the_data_stays_consistent(robust_site):
    site = robust_site
    rng = random.Random(SEED)
    workload = Workload(site)
    # Sessions live in the database: the users log in once and keep their sessions across the restarts.
    site.start()
    clerks = [Browser(site), Browser(site)]
    reviewer = Browser(site)
    for browser in clerks:
        browser.login("crash_clerk")
    reviewer.login("crash_reviewer", site.seed["totp_key"])
    for round_number in range(ROUNDS):
        if round_number:
            site.start()
        threads = [
            threading.Thread(target=workload.actor, args=(b, act, rng.randrange(2**32)))
            for b, act in [
                (clerks[0], workload._clerk),
                (clerks[1], workload._clerk),
                (reviewer, workload._reviewer),
            ]
        ]
        for thread in threads:
            thread.start()
        # The kill lands after a random number of answered requests plus a random delay, so that it finds
        # work in flight however fast or slow the machine is.
        workload.wait_for(workload.by_clerks + rng.randrange(3, 12))
        time.sleep(rng.uniform(0, 0.5))
        site.kill()
        for thread in threads:
            thread.join(timeout=30)
        assert not any(t.is_alive() for t in threads)

    site.start()  # the restart after the last kill serves again
    assert clerks[0].request(f"/projects/{workload.projects[0]}/") == 200
    site.kill(signal.SIGTERM)

    # Checked with the server down: first as the kills left the data, then after the sweep — the clean-up an
    # operator runs (from cron, or before start) for uploads killed between the file write and the commit.
    checked = site.script(CHECK_SCRIPT)
    found, clean = checked["before"], checked["after"]
    log = (site.directory / "server.log").read_text(errors="replace")[-3000:]
    assert found["problems"] == [], found["problems"]
    assert found["transitions"] > found["projects"], ("the workload changed no status", found, log)
    assert workload.cut_off >= ROUNDS, "the kills did not interrupt requests in flight"
    assert f"已清理孤立文件 {len(found['orphans'])} 个" in checked["sweep"], checked["sweep"]
    assert clean["problems"] == [] and clean["orphans"] == [], clean
    assert clean["attachments"] == found["attachments"]  # the sweep removed no material
    print(
        f"\n{ROUNDS} kills, {workload.sent} requests answered, {workload.cut_off} cut off; "
        f"{clean['transitions']} transitions, {clean['attachments']} attachments, {clean['events']} audit "
        f"events consistent; {len(found['orphans'])} orphan files swept"
    )


# --- the sweep, in-process -------------------------------------------------------------------------------------


def _aged(path: Path, age: dt.timedelta, now: dt.datetime) -> None:
    moment = (now - age).timestamp()
    os.utime(path, (moment, moment))


@pytest.fixture
def robust_media(world: dict[str, Any], make_project: Any, upload: Any, media_root: Path) -> dict[str, Any]:
    """One uploaded material (its file referenced) and three files no row refers to, aged around 24 hours
    (−1 s, exactly, +1 s) as of a frozen now."""
    from govit.core import clock

    project = make_project()
    attachment = upload(project, "feasibility_study")
    now = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
    folder = media_root / "projects" / str(project.pk)
    orphans = {}
    for label, age in [("young", dt.timedelta(hours=24, seconds=-1)), ("on", dt.timedelta(hours=24))]:
        path = folder / f"{label}.pdf"
        path.write_bytes(b"%PDF-1.4 partial")
        _aged(path, age, now)
        orphans[label] = f"projects/{project.pk}/{label}.pdf"
    old = media_root / "projects" / "999" / "old.pdf"  # a folder of its own: the walk goes down every level
    old.parent.mkdir(parents=True)
    old.write_bytes(b"%PDF-1.4 partial")
    _aged(old, dt.timedelta(hours=24, seconds=1), now)
    orphans["old"] = "projects/999/old.pdf"
    _aged(media_root / attachment.file.name, dt.timedelta(days=30), now)
    with clock.frozen_at(now):
        yield {"attachment": attachment, "orphans": orphans, "media": media_root}


@pytest.mark.django_db
def test_the_sweep_removes_orphans_older_than_the_limit_and_nothing_else(robust_media):
    from govit.audit.models import AuditEvent
    from govit.documents.sweep import attachment_files_sweep

    orphans, media = robust_media["orphans"], robust_media["media"]
    result = attachment_files_sweep(older_than=dt.timedelta(hours=24))

    assert sorted(result.removed) == sorted([orphans["on"], orphans["old"]])
    assert result.kept_young == [orphans["young"]]
    assert (media / orphans["young"]).exists()
    assert not (media / orphans["on"]).exists() and not (media / orphans["old"]).exists()
    assert (media / robust_media["attachment"].file.name).exists()  # 30 days old, but referenced
    assert result.scanned == 4 and result.missing == []
    event = AuditEvent.objects.get(action="document.sweep")
    assert event.after["removed_count"] == 2 and sorted(event.after["removed"]) == sorted(result.removed)


@pytest.mark.django_db
def test_a_dry_run_lists_and_keeps_and_a_sweep_with_nothing_to_do_is_not_audited(robust_media):
    from govit.audit.models import AuditEvent
    from govit.documents.sweep import attachment_files_sweep

    media = robust_media["media"]
    listed = attachment_files_sweep(older_than=dt.timedelta(hours=24), dry_run=True)
    assert len(listed.removed) == 2 and all((media / name).exists() for name in listed.removed)
    assert not AuditEvent.objects.filter(action="document.sweep").exists()

    attachment_files_sweep(older_than=dt.timedelta(hours=24))
    again = attachment_files_sweep(older_than=dt.timedelta(hours=24))
    assert again.removed == [] and AuditEvent.objects.filter(action="document.sweep").count() == 1


@pytest.mark.django_db
def test_a_row_whose_file_is_gone_is_reported_never_deleted(robust_media):
    from govit.documents.models import Attachment
    from govit.documents.sweep import attachment_files_sweep

    attachment = robust_media["attachment"]
    (robust_media["media"] / attachment.file.name).unlink()
    result = attachment_files_sweep(older_than=dt.timedelta(hours=24))
    assert result.missing == [attachment.file.name]
    assert Attachment.objects.filter(pk=attachment.pk).exists()


@pytest.mark.django_db
def test_the_command_reports_in_chinese_and_refuses_a_negative_age(robust_media, monkeypatch):
    import io

    import django.core.management
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from govit.__main__ import main

    ran: list[list[str]] = []  # `govit documents sweep` is the documents_sweep command
    monkeypatch.setattr(django.core.management, "execute_from_command_line", ran.append)
    monkeypatch.setattr(sys, "argv", ["govit", "documents", "sweep", "--dry-run"])
    main()
    assert ran == [["govit", "documents_sweep", "--dry-run"]]

    out = io.StringIO()
    call_command("documents_sweep", "--older-than-hours", "24", "--dry-run", stdout=out)
    assert "将清理孤立文件 2 个" in out.getvalue()
    call_command("documents_sweep", "--older-than-hours", "24", stdout=out)
    assert "已清理孤立文件 2 个" in out.getvalue() and "暂不清理 1 个" in out.getvalue()
    with pytest.raises(CommandError, match="不小于 0"):
        call_command("documents_sweep", "--older-than-hours", "-1")
