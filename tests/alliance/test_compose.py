"""docker-compose.yml, the Dockerfile and deploy/nginx.conf describe what the tests exercise.

Docker does not run here: these tests read the files (PyYAML comes with drf-spectacular) and
check them against the settings."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = (ROOT / "alliance" / "settings.py").read_text()
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
NGINX = (ROOT / "deploy" / "nginx.conf").read_text()
SERVICES = COMPOSE["services"]
APP_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}
DAPHNE_SERVICES = {
    name: s for name, s in APP_SERVICES.items() if "daphne" in " ".join(s.get("command", []))
}


def read_by_settings(variable: str) -> bool:
    pattern = rf"(os\.environ\.get|os\.environ\[|env_bool\(|env_list\()\(?\s*\"{variable}\""
    return re.search(pattern, SETTINGS) is not None


def nginx_block(header: str) -> str:
    start = NGINX.index(header)
    depth, end = 0, start
    for end in range(NGINX.index("{", start), len(NGINX)):
        depth += {"{": 1, "}": -1}.get(NGINX[end], 0)
        if depth == 0:
            break
    return NGINX[start : end + 1]


def test_every_variable_the_app_services_set_is_read_by_the_settings():
    for name, service in APP_SERVICES.items():
        assert service["environment"], name
        unread = [v for v in service["environment"] if not read_by_settings(v)]
        assert unread == [], f"{name} sets variables the settings ignore: {unread}"


def test_the_app_services_set_what_production_needs():
    for service in APP_SERVICES.values():
        env = service["environment"]
        assert env["DEBUG"] == "0"
        for variable in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
            assert env[variable], variable
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["DATABASE_URL"].split("@")[1].startswith("db:5432/")
        assert env["REDIS_URL"].startswith("redis://redis:6379/")


def test_two_daphne_services_from_one_image_serve_the_asgi_application():
    assert len(DAPHNE_SERVICES) == 2
    images = {(s["build"], s["image"]) for s in DAPHNE_SERVICES.values()}
    assert len(images) == 1
    for service in DAPHNE_SERVICES.values():
        command = service["command"]
        assert command[0] == "daphne"
        assert command[-1] == "alliance.asgi:application"
        assert "0.0.0.0" in command  # noqa: S104 (inside the container)


def test_migrations_run_once_before_the_daphne_services_start():
    migrate = SERVICES["migrate"]
    assert "manage.py migrate" in " ".join(migrate["command"])
    assert migrate["restart"] == "no"
    for service in DAPHNE_SERVICES.values():
        assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["depends_on"]["redis"]["condition"] == "service_healthy"


def test_postgresql_and_redis_have_health_checks():
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert "healthcheck" in SERVICES["db"]
    assert "healthcheck" in SERVICES["redis"]


def test_nginx_balances_over_both_daphne_services():
    volumes = SERVICES["nginx"]["volumes"]
    assert any(v.startswith("./deploy/nginx.conf:") for v in volumes)
    upstream = nginx_block("upstream alliance")
    for name, service in DAPHNE_SERVICES.items():
        port = service["command"][service["command"].index("-p") + 1]
        assert f"server {name}:{port};" in upstream


@pytest.mark.parametrize("location", ["location /ws/", "location / "])
def test_nginx_proxies_to_the_upstream_with_forwarded_headers(location):
    block = nginx_block(location)
    assert "proxy_pass http://alliance;" in block
    assert "proxy_set_header Host $host;" in block
    assert "X-Forwarded-Proto" in block  # SECURE_PROXY_SSL_HEADER trusts it


def test_nginx_upgrades_websockets():
    block = nginx_block("location /ws/")
    assert "proxy_http_version 1.1;" in block
    assert "proxy_set_header Upgrade $http_upgrade;" in block
    assert "proxy_set_header Connection $connection_upgrade;" in block
    assert "default upgrade;" in nginx_block("map $http_upgrade $connection_upgrade")


def test_nginx_serves_the_collected_static_files():
    block = nginx_block("location /static/")
    assert "alias /srv/static/;" in block
    assert "static:/srv/static:ro" in SERVICES["nginx"]["volumes"]
    assert "manage.py collectstatic" in " ".join(SERVICES["migrate"]["command"])
    assert 'STATIC_ROOT = BASE_DIR / "staticfiles"' in SETTINGS
    for service in DAPHNE_SERVICES.values():
        assert "static:/app/staticfiles:ro" in service["volumes"]


def test_dockerfile_installs_the_project_on_python_3_11():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.M)
    assert re.search(r"pip install \.", dockerfile)
    assert "WORKDIR /app" in dockerfile
