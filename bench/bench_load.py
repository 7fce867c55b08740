"""HTTP throughput of GovIT under gunicorn (2 workers) with a mixed, logged-in read load. Not a test.

Run: .venv/bin/python bench/bench_load.py [--projects N] [--reuse DIR] [--database-url URL] [--duration S]
     [--connections C] [--server-cpus 0] [--client-cpus 1] [--client wrk|python] [--json FILE]

Uses the data directory of bench_pages.py (``--reuse DIR``; without it, or when DIR holds no bench database,
bench_pages.py --prepare-only builds one first, default 100,000 projects). Starts
``gunicorn govit.wsgi -w 2`` on a free port (GOVIT_DEBUG=0, a bench secret key, GOVIT_ALLOWED_HOSTS=127.0.0.1),
logs in a bureau reviewer (sc_reviewer) and a unit clerk (sc_clerk) through the login form, then, from a
separate process, replays for ``--duration`` seconds the mix

- reviewer: 项目列表 (filters, pages 1 and 5), 项目详情, 待办 /review/, 统计数据 /dashboard/data/;
- clerk: 项目列表, 项目详情 of one of the unit's projects, /dashboard/data/;

with ``wrk`` when it is installed (``apt-get install -y wrk``; a Lua script rotates the paths and session
cookies and counts non-2xx answers), otherwise with Python processes (stdlib http.client, keep-alive). Prints
requests/s, errors (connection errors, timeouts and non-2xx), latency p50 / p95 / p99 and each gunicorn
worker's RSS after the load; JSON on stdout (and in ``--json FILE``).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PASSWORD = "Govit@2026"
MARKER = "bench-pages.json"
TARGET_RPS = 500.0
TARGET_RSS_MB = 300.0

LUA = r"""
local reqs = {}
local index = 0
local bad = 0
local bad_status = {}

init = function(args)
  for i = 1, #args, 2 do
    reqs[#reqs + 1] = wrk.format("GET", args[i], {["Cookie"] = args[i + 1], ["Host"] = "127.0.0.1"})
  end
  index = math.random(#reqs) - 1
end

request = function()
  index = index % #reqs + 1
  return reqs[index]
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def options_parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="GovIT HTTP 吞吐基准（gunicorn 两个工作进程，混合只读负载）")
    parser.add_argument(
        "--projects", type=int, default=100_000, help="新建数据目录时的项目个数（默认 100000）"
    )
    parser.add_argument("--reuse", default=None, help="bench_pages.py 的数据目录（默认新建）")
    parser.add_argument("--database-url", default=None, help="PostgreSQL 的 DATABASE_URL（默认 SQLite）")
    parser.add_argument("--duration", type=int, default=30, help="施压秒数（默认 30）")
    parser.add_argument("--connections", type=int, default=16, help="并发连接数（默认 16）")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn 工作进程数（默认 2）")
    parser.add_argument(
        "--server-cpus", default=None, help="gunicorn 固定在这些 CPU 上（taskset 写法，如 0）"
    )
    parser.add_argument("--client-cpus", default=None, help="施压进程固定在这些 CPU 上（如 1）")
    parser.add_argument("--client", choices=["auto", "wrk", "python"], default="auto", help="施压工具")
    parser.add_argument("--json", default=None, help="把结果 JSON 另写入此文件")
    return parser.parse_args()


def _taskset(cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus] if cpus and shutil.which("taskset") else []


def data_dir_prepare(options: argparse.Namespace) -> tuple[Path, dict[str, Any]]:
    data_dir = Path(options.reuse or tempfile.mkdtemp(prefix=f"govit-bench-{options.projects}-")).resolve()
    argv = [
        sys.executable,
        str(ROOT / "bench" / "bench_pages.py"),
        "--prepare-only",
        "--reuse",
        str(data_dir),
    ]
    argv += ["--projects", str(options.projects)]
    if options.database_url:
        argv += ["--database-url", options.database_url]
    completed = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True)
    marker = json.loads(completed.stdout.strip().splitlines()[-1])
    return data_dir, marker


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_start(options: argparse.Namespace, data_dir: Path, marker: dict[str, Any]) -> tuple[Any, int]:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "GOVIT_DATA_DIR": str(data_dir),
            "GOVIT_DEBUG": "0",
            "GOVIT_SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "GOVIT_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SETTINGS_MODULE": "govit.settings",
        }
    )
    database_url = options.database_url or marker.get("database_url")
    if database_url:
        env["DATABASE_URL"] = database_url
    else:
        env.pop("DATABASE_URL", None)
    for name in ("GOVIT_DATA_DIR", "DATABASE_URL"):  # the same database for this process (see otp_pass)
        if name in env:
            os.environ[name] = env[name]
        else:
            os.environ.pop(name, None)
    gunicorn = str(VENV_BIN / "gunicorn")
    argv = [*_taskset(options.server_cpus), gunicorn, "govit.wsgi", "-w", str(options.workers)]
    argv += ["-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    server = subprocess.Popen(argv, env=env, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise SystemExit("gunicorn 未能启动")
    server.terminate()
    raise SystemExit("gunicorn 60 秒内未就绪")


def _cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    found = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(port: int, username: str) -> str:
    """A session cookie obtained the way a browser gets it: the login form, its CSRF token, the POST."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match or "csrftoken" not in cookies:
        raise SystemExit("登录页没有 CSRF 令牌")
    body = f"csrfmiddlewaretoken={match.group(1)}&username={username}&password={PASSWORD}"
    conn.request(
        "POST",
        "/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
            "Referer": f"http://127.0.0.1:{port}/login/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "sessionid" not in cookies:
        raise SystemExit(f"{username} 登录失败（HTTP {response.status}）")
    otp_pass(conn, port, cookies, username)
    return f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"


def otp_pass(conn: http.client.HTTPConnection, port: int, cookies: dict[str, str], username: str) -> None:
    """The second factor of a reviewer: the demo accounts' documented TOTP secret (README), its current code.
    The benchmark's database gets that secret for the account first (an earlier in-process run may have bound a
    device of its own)."""
    import base64

    import django

    cookie = f"sessionid={cookies['sessionid']}; csrftoken={cookies['csrftoken']}"
    conn.request("GET", "/login/otp/", headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    if response.status == 302 and "/login/otp/" not in (response.getheader("Location") or ""):
        return  # no second factor for this account
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govit.settings")
    django.setup()
    from django_otp.oath import totp

    from govit.accounts.mfa import totp_device_fixed
    from govit.accounts.models import User
    from govit.portal.demo import DEMO_TOTP_SECRET

    totp_device_fixed(User.objects.get(username=username), DEMO_TOTP_SECRET)
    if response.status == 302:  # sent on to enrol: the account had no device until now
        conn.request("GET", "/login/otp/", headers={"Cookie": cookie})
        response = conn.getresponse()
        page = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not match:
        raise SystemExit("动态口令页没有 CSRF 令牌")
    code = totp(base64.b32decode(DEMO_TOTP_SECRET))
    conn.request(
        "POST",
        "/login/otp/",
        body=f"csrfmiddlewaretoken={match.group(1)}&token={code:06d}",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://127.0.0.1:{port}/login/otp/",
        },
    )
    response = conn.getresponse()
    response.read()
    cookies.update(_cookies(response))
    if response.status != 302 or "/login/" in (response.getheader("Location") or ""):
        raise SystemExit(f"动态口令未通过（HTTP {response.status}）")


def mix_build(port: int, marker: dict[str, Any]) -> list[tuple[str, str]]:
    targets = marker["targets"]
    reviewer = login(port, "sc_reviewer")
    clerk = login(port, "sc_clerk")
    mix = [
        (f"/projects/?{targets['list_query']}", reviewer),
        (f"/projects/?{targets['list_query']}&page=5", reviewer),
        (f"/projects/{targets['detail_project_id']}/", reviewer),
        ("/review/", reviewer),
        ("/dashboard/data/", reviewer),
        ("/projects/", clerk),
        (f"/projects/{targets['clerk_project_id']}/", clerk),
        ("/dashboard/data/", clerk),
    ]
    for path, cookie in mix:  # every path answers 200 before the clock starts
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path} 返回 {response.status}，基准中止")
    return mix


def load_wrk(options: argparse.Namespace, port: int, mix: list[tuple[str, str]]) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA)
    args = [item for pair in mix for item in pair]
    argv = [*_taskset(options.client_cpus), "wrk", "-t", "2", "-c", str(options.connections)]
    argv += ["-d", f"{options.duration}s", "--timeout", "10s", "-s", script.name]
    argv += [f"http://127.0.0.1:{port}", "--", *args]
    completed = subprocess.run(argv, check=True, stdout=subprocess.PIPE, text=True)
    os.unlink(script.name)
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "client": "wrk",
        "command": " ".join(argv[: argv.index("--")]) + " -- <路径与会话>",
        "requests": raw["requests"],
        "seconds": round(raw["duration_us"] / 1e6, 2),
        "requests_per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "errors": errors,
        "errors_detail": {k: raw[k] for k in ("connect", "read", "write", "status", "timeout")},
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "max_ms": round(raw["max_us"] / 1000, 2),
        "wrk_output": completed.stdout.strip().splitlines()[:12],
    }


def _python_client(args: tuple[int, list[tuple[str, str]], float, int, int]) -> tuple[list[float], int]:
    port, mix, until, offset, per_process = args
    conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(per_process)]
    latencies: list[float] = []
    errors = 0
    index = offset
    while time.monotonic() < until:
        for conn_no, conn in enumerate(conns):
            path, cookie = mix[index % len(mix)]
            index += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Cookie": cookie})
                response = conn.getresponse()
                response.read()
                if not 200 <= response.status < 300:
                    errors += 1
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conns[conn_no] = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                continue
            latencies.append(time.perf_counter() - started)
    return latencies, errors


def load_python(options: argparse.Namespace, port: int, mix: list[tuple[str, str]]) -> dict[str, Any]:
    """Fallback without wrk: N processes, each with one keep-alive connection (requests in sequence)."""
    processes = options.connections
    started = time.monotonic()
    until = started + options.duration
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(_python_client, [(port, mix, until, i, 1) for i in range(processes)])
    seconds = time.monotonic() - started
    latencies = sorted(x for lat, _ in results for x in lat)
    errors = sum(e for _, e in results)

    def pct(q: float) -> float:
        return (
            round(latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000, 2) if latencies else 0.0
        )

    return {
        "client": "python",
        "command": f"{processes} 个进程 × 1 个长连接（http.client）",
        "requests": len(latencies) + errors,
        "seconds": round(seconds, 2),
        "requests_per_second": round((len(latencies) + errors) / seconds, 1),
        "errors": errors,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": pct(1.0),
    }


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def main() -> int:
    options = options_parse()
    data_dir, marker = data_dir_prepare(options)
    print(f"数据目录：{data_dir}", file=sys.stderr, flush=True)
    server, port = server_start(options, data_dir, marker)
    try:
        master = server.pid
        mix = mix_build(port, marker)
        use_wrk = options.client == "wrk" or (options.client == "auto" and shutil.which("wrk"))
        if options.client == "wrk" and not shutil.which("wrk"):
            raise SystemExit("没有 wrk：apt-get install -y wrk，或用 --client python")
        print(
            f"… 施压 {options.duration} 秒（{'wrk' if use_wrk else 'Python'}）", file=sys.stderr, flush=True
        )
        load = load_wrk(options, port, mix) if use_wrk else load_python(options, port, mix)
        workers = {pid: _rss_mb(pid) for pid in _children(master)}
        report = {
            "database": "postgresql" if (options.database_url or marker.get("database_url")) else "sqlite",
            "projects": marker.get("projects"),
            "command": " ".join([sys.executable, *sys.argv]),
            "data_dir": str(data_dir),
            "gunicorn": f"{' '.join(_taskset(options.server_cpus))} gunicorn govit.wsgi -w {options.workers}".strip(),
            "connections": options.connections,
            "duration_s": options.duration,
            "mix": [path for path, _ in mix],
            **load,
            "worker_rss_mb": workers,
            "master_rss_mb": _rss_mb(master),
            "targets": {"requests_per_second": TARGET_RPS, "errors": 0, "worker_rss_mb": TARGET_RSS_MB},
        }
        report["meets"] = (
            report["requests_per_second"] >= TARGET_RPS
            and report["errors"] == 0
            and all(rss <= TARGET_RSS_MB for rss in workers.values())
        )
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if not options.reuse:
            shutil.rmtree(data_dir, ignore_errors=True)
    rss = "，".join(f"{pid}: {mb} MB" for pid, mb in workers.items())
    print(
        f"\nGovIT HTTP 吞吐：{report['database']}，{report['projects']:,} 个项目，{report['gunicorn']}，"
        f"{options.connections} 个连接 × {options.duration} 秒（{report['client']}）\n"
        f"请求 {report['requests']:,} 次，{report['requests_per_second']} 次/秒（目标 ≥ {TARGET_RPS:.0f}），"
        f"错误 {report['errors']}\n"
        f"延迟 p50 {report['p50_ms']} ms，p95 {report['p95_ms']} ms，p99 {report['p99_ms']} ms\n"
        f"工作进程 RSS：{rss}（目标 ≤ {TARGET_RSS_MB:.0f} MB）\n"
        f"结果：{'达标' if report['meets'] else '未达标'}\n"
    )
    text = json.dumps(report, ensure_ascii=False, indent=1)
    print(text)
    if options.json:
        Path(options.json).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
