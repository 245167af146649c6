"""Secrets never reach responses, logs or messages, and the client is configured from the environment."""

import logging
import socket

from service import create_app
from service.config import Settings

SECRET = "s3cret-Passw0rd-xyz"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_settings_from_the_environment_use_credentials_and_ca():
    settings = Settings.from_env(
        {
            "ES_URL": "https://es.example:9200",
            "ES_USERNAME": "elastic",
            "ES_PASSWORD": SECRET,
            "ES_CA_CERTS": "/certs/ca.crt",
            "ES_INDEX": "news",
        }
    )
    options = settings.client_options()
    assert options["basic_auth"] == ("elastic", SECRET) and options["ca_certs"] == "/certs/ca.crt"
    assert SECRET not in repr(settings)
    api_key = Settings.from_env({"ES_API_KEY": SECRET}).client_options()
    assert api_key["api_key"] == SECRET and "basic_auth" not in api_key


def test_secrets_stay_out_of_errors_and_logs(caplog):
    url = f"http://elastic:{SECRET}@127.0.0.1:{closed_port()}"
    app = create_app(Settings(es_url=url, es_index="news", es_username="elastic", es_password=SECRET))
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        responses = [
            client.get("/api/search", query_string={"q": "x"}),
            client.get("/api/health"),
            client.get("/", query_string={"q": "x"}),
        ]
    assert [r.status_code for r in responses] == [503, 503, 503]
    for response in responses:
        assert SECRET not in response.get_data(as_text=True)
    assert SECRET not in caplog.text
    assert SECRET not in Settings(es_url=url).public_es_url


def test_cli_message_hides_credentials_in_the_url():
    url = f"http://elastic:{SECRET}@127.0.0.1:{closed_port()}"
    runner = create_app(Settings(es_url=url, es_index="news")).test_cli_runner()
    result = runner.invoke(args=["index", "--sample"])
    assert result.exit_code == 2
    assert "unreachable" in result.stderr and SECRET not in result.stderr + result.stdout
