"""The shipped deployment files say what the operator documentation promises.

Where a tool that checks a file exists (tor, systemd-analyze, nginx), it checks it;
otherwise the test skips and names the Debian package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from portal.config import OPTIONS, _env_name
from tests.deploy.conftest import DEPLOY, REPO

TORRC = DEPLOY / "tor" / "portal.torrc"
UNITS = sorted((DEPLOY / "systemd").glob("portal*"))
NGINX = DEPLOY / "nginx" / "portal-clearnet.conf"


def _directives(path: Path) -> list[tuple[str, str]]:
    return _directives_of(path.read_text())


def _directives_of(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(" ")
            pairs.append((key, value.strip()))
    return pairs


# --- gunicorn ------------------------------------------------------------------------

def test_gunicorn_config_imports_and_keeps_sources_anonymous() -> None:
    code = (
        "import runpy, json; c = runpy.run_path('deploy/gunicorn.conf.py'); "
        "print(json.dumps({k: c[k] for k in ('bind', 'workers', 'timeout', 'accesslog', "
        "'forwarded_allow_ips', 'proxy_allow_ips', 'wsgi_app', 'worker_class')}))"
    )
    env = {"PATH": "/usr/bin:/bin", "PORTAL_WORKERS": "3"}
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    import json

    config = json.loads(out)
    assert config["bind"].startswith(("127.0.0.1:", "unix:"))
    assert config["workers"] == 3
    assert config["timeout"] >= 300  # slow Tor circuits upload slowly
    assert config["accesslog"] is None
    assert config["forwarded_allow_ips"] == "" and config["proxy_allow_ips"] == ""
    assert config["wsgi_app"] == "portal.wsgi:app"


# --- tor -----------------------------------------------------------------------------

def test_torrc_publishes_a_v3_onion_service_with_pow_defences() -> None:
    public, _, staff = TORRC.read_text().partition("/var/lib/tor/portal-staff/")
    directives = dict(_directives_of(public))
    assert "HiddenServicePort 80 127.0.0.1:8000" in staff  # the staff's private service
    assert directives["SocksPort"] == "0"
    assert directives["SafeLogging"] == "1"
    assert directives["HiddenServiceDir"].startswith("/var/lib/tor/")
    assert directives["HiddenServiceVersion"] == "3"
    assert directives["HiddenServicePoWDefensesEnabled"] == "1"
    assert "HiddenServicePoWQueueRate" in directives
    assert directives["HiddenServiceEnableIntroDoSDefense"] == "1"
    virtual, target = directives["HiddenServicePort"].split()
    assert virtual == "80"
    assert target == "127.0.0.1:8000" or target.startswith("unix:")


def test_every_torrc_directive_has_a_reason() -> None:
    previous = ""
    for line in TORRC.read_text().splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            assert previous.startswith("#") or _is_directive(previous), \
                f"no comment explains {stripped!r}"
            if _is_directive(previous):  # a second line under one comment: same setting
                assert previous.split()[0][:18] == stripped.split()[0][:18], stripped
        previous = stripped


def _is_directive(line: str) -> bool:
    return bool(line) and not line.startswith("#")


def test_tor_accepts_the_torrc(tmp_path: Path) -> None:
    tor = shutil.which("tor")
    if tor is None:
        pytest.skip("needs tor (apt package tor) to verify the torrc")
    text = TORRC.read_text().replace("/var/lib/tor/", f"{tmp_path}/hs-")
    config = tmp_path / "torrc"
    config.write_text(text + f"\nDataDirectory {tmp_path}/data\n")
    tmp_path.chmod(0o700)
    result = subprocess.run([tor, "--verify-config", "-f", str(config)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout


# --- systemd -------------------------------------------------------------------------

@pytest.mark.parametrize("unit", [u for u in UNITS if u.suffix == ".service"],
                         ids=lambda u: u.name)
def test_services_are_sandboxed(unit: Path) -> None:
    directives = _directives_ini(unit)
    for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"),
                       ("PrivateTmp", "yes"), ("MemoryDenyWriteExecute", "yes"),
                       ("ProtectHome", "yes"), ("User", "portal")):
        assert value in directives.get(key, []), f"{unit.name}: {key}={value}"
    assert directives.get("CapabilityBoundingSet") == [""]
    writable = [p for value in directives.get("ReadWritePaths", []) for p in value.split()]
    assert writable and all(p in {"/var/lib/portal", "/var/backups/portal"} for p in writable)


def _directives_ini(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith(("#", "[")):
            key, _, value = line.partition("=")
            found.setdefault(key.strip(), []).append(value.strip())
    return found


def test_app_memory_is_never_swapped_or_dumped() -> None:
    directives = _directives_ini(DEPLOY / "systemd" / "portal.service")
    assert directives["MemorySwapMax"] == ["0"] and directives["LimitCORE"] == ["0"]
    assert directives["IPAddressDeny"] == ["any"]


def test_retention_and_backup_run_from_timers() -> None:
    names = {u.name for u in UNITS}
    assert {"portal.service", "portal-retention.service", "portal-retention.timer",
            "portal-backup.service", "portal-backup.timer"} <= names
    retention = _directives_ini(DEPLOY / "systemd" / "portal-retention.service")
    assert retention["ExecStart"] == ["/opt/portal/.venv/bin/portal retention run"]
    assert "Persistent" in _directives_ini(DEPLOY / "systemd" / "portal-retention.timer")


def test_systemd_analyze_verifies_the_units(tmp_path: Path) -> None:
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("needs systemd-analyze (apt package systemd)")
    # The units name /opt/portal; point them at this checkout so the programs exist.
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/opt/portal", str(REPO)))
        copies.append(str(copy))
    result = subprocess.run([tool, "verify", *copies], capture_output=True, text=True,
                            timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.strip() == "", result.stderr


# --- nginx ---------------------------------------------------------------------------

def test_nginx_mirror_has_hsts_onion_location_and_no_access_log() -> None:
    text = NGINX.read_text()
    assert re.search(r'add_header Strict-Transport-Security "max-age=\d{8,}', text)
    assert "add_header Onion-Location http://" in text
    servers = text.count("server {")
    assert text.count("access_log off;") >= servers
    assert 'proxy_set_header X-Forwarded-For "";' in text
    assert "proxy_pass http://127.0.0.1:8000;" in text
    assert re.search(r"location /staff \{\s*return 404;", text)


def test_nginx_accepts_the_mirror_config(tmp_path: Path) -> None:
    nginx, openssl = shutil.which("nginx"), shutil.which("openssl")
    if nginx is None or openssl is None:
        pytest.skip("needs nginx and openssl (apt packages nginx, openssl)")
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=portal.example.org", "-keyout", str(tmp_path / "key.pem"),
                    "-out", str(tmp_path / "cert.pem")], check=True, capture_output=True,
                   timeout=60)
    site = (NGINX.read_text()
            .replace("/etc/letsencrypt/live/portal.example.org/fullchain.pem",
                     str(tmp_path / "cert.pem"))
            .replace("/etc/letsencrypt/live/portal.example.org/privkey.pem",
                     str(tmp_path / "key.pem"))
            .replace("/var/log/nginx/portal-error.log", str(tmp_path / "error.log")))
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/main.log;\npid {tmp_path}/nginx.pid;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n")
    result = subprocess.run([nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p",
                             str(tmp_path), "-e", str(tmp_path / "early.log")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


# --- containers ----------------------------------------------------------------------

def test_dockerfile_runs_unprivileged_and_copies_what_exists() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER portal$", text, re.M)
    assert 'CMD ["gunicorn", "-c", "/app/deploy/gunicorn.conf.py"]' in text
    for source in re.findall(r"^COPY (.+) \S+$", text, re.M):
        for item in source.split():
            assert (REPO / item).exists(), f"Dockerfile copies missing {item}"
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text()
    for item in ("portal/", "crypto/", "templates/", "migrations/"):
        assert f"!{item}" in ignore


def test_compose_publishes_only_on_loopback_and_needs_real_secrets() -> None:
    text = (DEPLOY / "compose.yaml").read_text()
    published = re.findall(r'^\s+- "([^"]+:\d+)"$', text, re.M)
    assert published == ["127.0.0.1:8000:8000"]
    assert "${PORTAL_SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text
    assert '--save", ""' in text  # Redis keeps rate-limit counters in memory only
    assert text.count("read_only: true") == 1 and "<<: *hardening" in text


# --- documentation -------------------------------------------------------------------

def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text()
    missing = [_env_name(name) for name in OPTIONS if f"`{_env_name(name)}`" not in readme]
    assert missing == [], f"README's configuration table lacks {missing}"


def test_deploy_readme_mentions_every_shipped_file() -> None:
    guide = (DEPLOY / "README.md").read_text()
    shipped = [p for p in DEPLOY.rglob("*") if p.is_file() and p.name != "README.md"
               and "__pycache__" not in p.parts]
    missing = [str(p.relative_to(DEPLOY)) for p in shipped
               if str(p.relative_to(DEPLOY)) not in guide]
    assert missing == []
