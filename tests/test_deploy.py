"""The deployment files in deploy/: the compose file, the env file, the systemd units and the nginx site name
processes, commands and settings that exist, and agree with each other. No Docker engine or systemd is needed:
the files are parsed, the commands go through Zilu's own argument parser, and ``systemd-analyze verify`` and
``nginx -t`` run when those programs are installed."""

from __future__ import annotations

import configparser
import datetime
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from zilu.cli import PASSTHROUGH, build_parser

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
SETTINGS = (REPO / "src" / "zilu" / "settings.py").read_text()
ZILU_SERVICES = {"migrate", "web1", "web2", "worker", "beat"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def env_example() -> dict[str, str]:
    """The variables of env.example, commented-out ones included (with their example value)."""
    found = {}
    for line in (DEPLOY / "env.example").read_text().splitlines():
        match = re.fullmatch(r"#?(ZILU_[A-Z0-9_]+)=(.*)", line.strip())
        if match:
            found[match.group(1)] = match.group(2)
    return found


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def assert_valid_zilu_command(argv: list[str]) -> None:
    """``argv`` (starting with ``zilu``) is accepted by Zilu's own command line."""
    assert Path(argv[0]).name == "zilu", argv
    if argv[1] in PASSTHROUGH:
        return  # handed to Django; the command exists
    build_parser().parse_args(argv[1:])  # exits (fails the test) on an unknown option


def test_compose_has_the_topology():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "nginx", *ZILU_SERVICES}
    assert services["postgres"]["image"] == "postgres:15"
    assert services["redis"]["image"] == "redis:7"
    for web in ("web1", "web2"):
        assert services[web]["command"] == ["zilu", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
    assert services["worker"]["command"] == ["zilu", "worker", "--concurrency", "2"]
    beats = [name for name, service in services.items() if "--beat" in service.get("command", [])]
    assert beats == ["beat"]
    assert services["beat"]["command"] == ["zilu", "worker", "--beat", "--concurrency", "1"]
    assert services["beat"]["deploy"]["replicas"] == 1
    assert services["migrate"]["command"] == ["zilu", "manage", "bootstrap"]
    for name in ZILU_SERVICES:
        service = services[name]
        assert_valid_zilu_command(service["command"])
        assert service["build"]["dockerfile"] == "deploy/Containerfile"
        assert service["env_file"] == "zilu.env"
        assert "zilu-data:/var/lib/zilu" in service["volumes"]  # media and keys shared by every process
        if name != "migrate":
            assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    proxy = services["nginx"]["networks"]["zilu"]["ipv4_address"]
    assert services["web1"]["environment"]["ZILU_TRUSTED_PROXIES"] == proxy
    assert (DEPLOY / "Containerfile").is_file()
    assert "pip install ." in (DEPLOY / "Containerfile").read_text()


def test_compose_nginx_proxies_to_both_web_services():
    conf = (DEPLOY / "nginx" / "compose.conf").read_text()
    assert re.search(r"server web1:8000", conf) and re.search(r"server web2:8000", conf)
    mount = compose()["services"]["nginx"]["volumes"][0]
    assert mount.startswith("./nginx/compose.conf:")
    for conf in (DEPLOY / "nginx" / "compose.conf", DEPLOY / "nginx" / "zilu.conf"):
        text = conf.read_text()
        assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in text
        assert "proxy_set_header X-Forwarded-Proto $scheme;" in text
        assert "client_max_body_size 12m;" in text
        assert "ssl_certificate " in text


def test_every_variable_named_in_the_deployment_files_is_a_setting():
    named = set(env_example())
    for service in compose()["services"].values():
        named |= {key for key in service.get("environment", {}) or {} if key.startswith("ZILU_")}
    missing = sorted(name for name in named if f'"{name}"' not in SETTINGS)
    assert missing == []
    required = {
        "ZILU_ENV", "ZILU_SECRET_KEY", "ZILU_ALLOWED_HOSTS", "ZILU_BASE_URL", "ZILU_DATABASE_URL", "ZILU_BROKER_URL",
        "ZILU_CACHE_URL", "ZILU_TRUSTED_PROXIES", "ZILU_METRICS_ALLOW", "ZILU_MEDIA_ROOT", "ZILU_BANKS_SIGNING_KEY",
        "ZILU_EMAIL_HOST", "ZILU_DEFAULT_FROM_EMAIL",
    }  # fmt: skip
    assert required <= named
    assert env_example()["ZILU_ENV"] == "production"


def test_env_example_passes_check_deploy(tmp_path):
    """The example, with a secret filled in, is a valid production configuration (no database is contacted)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZILU_") and k != "DJANGO_SETTINGS_MODULE"}
    example = {k: v for k, v in env_example().items() if f"#{k}=" not in (DEPLOY / "env.example").read_text()}
    env.update(example)
    env.update(
        {
            "ZILU_SECRET_KEY": "Zq7-kP2x" * 8,
            "ZILU_VAR_DIR": str(tmp_path / "var"),
            "ZILU_MEDIA_ROOT": str(tmp_path / "media"),
            "ZILU_STATIC_ROOT": str(tmp_path / "static"),
            "ZILU_BANKS_SIGNING_KEY": str(tmp_path / "key.pem"),
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "zilu", "manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_systemd_units_run_the_documented_commands():
    web, worker, beat = unit("zilu-web@.service"), unit("zilu-worker@.service"), unit("zilu-beat.service")
    for service in (web, worker, beat):
        section = service["Service"]
        assert section["EnvironmentFile"] == "/etc/zilu/zilu.env"
        assert section["User"] == "zilu" and section["Restart"] == "always"
        assert service["Unit"]["PartOf"] == "zilu.target"
        assert service["Install"]["WantedBy"] == "zilu.target"
        assert_valid_zilu_command(section["ExecStart"].replace("%i", "8001").split())
    assert web["Service"]["ExecReload"] == "/bin/kill -HUP $MAINPID"
    assert "--port %i" in web["Service"]["ExecStart"]
    assert "--beat" in beat["Service"]["ExecStart"] and "--beat" not in worker["Service"]["ExecStart"]
    assert unit("zilu.target")["Install"]["WantedBy"] == "multi-user.target"
    upstream = re.findall(r"server (127\.0\.0\.1:\d+)", (DEPLOY / "nginx" / "zilu.conf").read_text())
    assert upstream == ["127.0.0.1:8001", "127.0.0.1:8002"]
    backup = unit("zilu-backup.service")["Service"]
    assert backup["Type"] == "oneshot" and backup["EnvironmentFile"] == "/etc/zilu/zilu.env"
    assert "/opt/zilu/venv/bin/zilu backup --output /var/backups/zilu/" in backup["ExecStart"]
    assert unit("zilu-backup.timer")["Install"]["WantedBy"] == "timers.target"


def test_systemd_units_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    zilu = Path(sys.executable).with_name("zilu")
    for path in (DEPLOY / "systemd").iterdir():
        (tmp_path / path.name).write_text(path.read_text().replace("/opt/zilu/venv/bin/zilu", str(zilu)))
    services = ("zilu-web@8001.service", "zilu-worker@1.service", "zilu-beat.service", "zilu-backup.service")
    for name in (*services, "zilu.target", "zilu-backup.timer"):
        result = subprocess.run(
            [analyze, "verify", "--man=no", str(tmp_path / name)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0 and not result.stderr.strip(), (name, result.stderr)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zilu.example.cn")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(1).not_valid_before(now).not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_path, key_path = folder / "fullchain.pem", folder / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.mark.parametrize("name", ["zilu.conf", "compose.conf"])
def test_nginx_site_is_valid(tmp_path, name):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        pytest.skip("nginx is not installed")
    cert, key = _self_signed(tmp_path)
    site = (DEPLOY / "nginx" / name).read_text()
    # compose's service names resolve only inside its network; Debian 12's nginx 1.22 predates "http2 on;" (1.25)
    site = re.sub(r"server web(\d):8000", r"server 127.0.0.1:800\1", site)
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr
    if tuple(int(n) for n in re.findall(r"nginx/(\d+)\.(\d+)", version)[0]) < (1, 25):
        site = site.replace("http2 on;", "")
    site = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site)
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        "http {\naccess_log off;\n"
        + "".join(
            f"{kind}_temp_path {tmp_path}/{kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_rolling_restart_takes_each_instance_out_of_nginx_while_it_restarts(tmp_path):
    """deploy/rolling-restart.sh, with the restart and the nginx reload replaced by commands that record the site
    file, and two small servers answering /readyz in place of the instances."""
    import http.server
    import threading

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")

    class Ready(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200 if self.path == "/readyz" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    servers = [http.server.HTTPServer(("127.0.0.1", 0), Ready) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    ports = [str(server.server_address[1]) for server in servers]
    site = tmp_path / "zilu.conf"
    original = (DEPLOY / "nginx" / "zilu.conf").read_text().replace("8001", ports[0]).replace("8002", ports[1])
    site.write_text(original)
    log = tmp_path / "log"
    env = {
        **os.environ,
        "ZILU_NGINX_SITE": str(site),
        "ZILU_NGINX_SETTLE": "0",
        "ZILU_RESTART": f"echo restart %s >> {log}",
        "ZILU_NGINX_RELOAD": f'grep -h "server 127.0.0.1" {site} >> {log}',
    }
    try:
        result = subprocess.run(
            ["sh", str(DEPLOY / "rolling-restart.sh")], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        for server in servers:
            server.shutdown()
    assert result.returncode == 0, result.stderr
    assert site.read_text() == original
    lines = [line.strip() for line in log.read_text().splitlines()]
    first, second = (f"server 127.0.0.1:{port} max_fails=0" for port in ports)
    assert lines == [
        f"{first} down;", f"{second};", f"restart {ports[0]}", f"{first};", f"{second};",
        f"{first};", f"{second} down;", f"restart {ports[1]}", f"{first};", f"{second};",
    ]  # fmt: skip
