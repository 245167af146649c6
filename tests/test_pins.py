"""The Elasticsearch version is pinned once (scripts/elasticsearch.pin); everything else must agree."""

import re
from importlib.metadata import version

import yaml

from tests.project import ROOT


def pinned_version() -> str:
    text = (ROOT / "scripts" / "elasticsearch.pin").read_text()
    return re.search(r"^ES_VERSION=(\S+)$", text, re.M).group(1)


def major_minor(v: str) -> str:
    return ".".join(v.split(".")[:2])


def test_requirements_pin_the_client_to_the_servers_major_minor():
    reqs = (ROOT / "requirements.txt").read_text()
    spec = re.search(r"^elasticsearch~=(\S+)$", reqs, re.M).group(1)
    assert major_minor(spec) == major_minor(pinned_version())
    assert major_minor(version("elasticsearch")) == major_minor(pinned_version())


def test_compose_runs_the_pinned_version_securely_on_localhost():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"elasticsearch", "app"}
    es = services["elasticsearch"]
    assert es["image"] == f"docker.elastic.co/elasticsearch/elasticsearch:{pinned_version()}"
    env = dict(item.split("=", 1) for item in es["environment"])
    assert env["xpack.security.enabled"] == "true"
    assert env["xpack.security.http.ssl.enabled"] == "true"
    app_env = dict(item.split("=", 1) for item in services["app"]["environment"])
    assert app_env["ES_URL"].startswith("https://") and app_env["ES_CA_CERTS"].endswith("ca.crt")
    assert app_env["ES_PASSWORD"].startswith("${ELASTIC_PASSWORD")
    assert services["setup"]["image"] == es["image"]
    assert env["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD")
    # Both locales (he_IL, and he_IL_lemma generated from hspell by the hunspell service) in one volume.
    assert any(v.endswith(":/usr/share/elasticsearch/config/hunspell:ro") for v in es["volumes"])
    assert "build_lemma_dictionary.py /hunspell/he_IL_lemma" in " ".join(services["hunspell"]["command"])
    assert "healthcheck" in es and "healthcheck" in services["app"]
    for service in services.values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def test_env_example_documents_the_password_and_env_is_ignored():
    assert "ELASTIC_PASSWORD=" in (ROOT / ".env.example").read_text()
    assert ".env" in (ROOT / ".gitignore").read_text().split()
