"""The first slice end to end: the sample article indexed in the real node, searched through the API."""

import socket
import uuid

from service.es import ensure_alias
from service.indexing.loader import index_articles
from service.model import Article, Part


def search(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def snippets(body):
    return [s for r in body["results"] for s in r["snippets"]]


def test_syria_finds_the_s400_caption(client_for, sample_alias):
    body = search(client_for(sample_alias), q="סוריה", kind="caption")
    captions = [s for s in snippets(body) if s["kind"] == "caption"]
    s400 = next(s for s in captions if "S-400" in s["text"])
    assert s400["credit"] == "AFP / RUSSIAN DEFENCE MINISTRY"
    assert any("<mark>בסוריה</mark>" in h for h in s400["html"])


def test_gershayim_in_the_query_matches_ascii_quote_in_the_text(client_for, sample_alias):
    client = client_for(sample_alias)
    for spelling in ("צה״ל", 'צה"ל', "צה”ל"):
        body = search(client, q=spelling)
        assert body["total"] == 1, spelling
        top = body["results"][0]["snippets"][0]
        assert 'צה"ל' in top["text"] and "<mark>צה&quot;ל</mark>" in " ".join(top["html"])


def test_peskov_finds_the_paragraph_quoting_him(client_for, sample_alias):
    body = search(client_for(sample_alias), q="פסקוב")
    assert body["total"] == 1
    top = body["results"][0]["snippets"][0]
    assert top["kind"] == "body"
    assert "אמר פסקוב" in top["text"]


def test_kind_filter(client_for, sample_alias):
    body = search(client_for(sample_alias), q="פוטין", kind="caption")
    assert body["total"] > 0
    assert {s["kind"] for s in snippets(body)} == {"caption"}


def test_article_html_is_escaped_in_snippets_and_page(es, make_alias, client_for):
    alias = make_alias()
    ensure_alias(es, alias)
    article = Article(
        title="כותרת <b>מודגשת</b>",
        parts=[
            Part("title", "כותרת <b>מודגשת</b>"),
            Part("body", 'הודעה <script>alert("x")</script> מהדובר פסקוב'),
        ],
    )
    assert not index_articles(es, alias, [article]).failed
    client = client_for(alias)
    body = search(client, q="פסקוב")
    snippet = " ".join(body["results"][0]["snippets"][0]["html"])
    assert "&lt;script&gt;" in snippet and "<script>" not in snippet
    html = client.get("/", query_string={"q": "פסקוב"}).get_data(as_text=True)
    assert "<script>alert" not in html and "<b>מודגשת" not in html
    assert "&lt;script&gt;" in html


def test_bad_parameter_is_400_with_a_message(client_for, sample_alias):
    response = client_for(sample_alias).get("/api/search", query_string={"q": "x", "size": "many"})
    assert response.status_code == 400
    assert "size" in response.get_json()["message"]


def test_web_page_renders_results_right_to_left(client_for, sample_alias):
    response = client_for(sample_alias).get("/", query_string={"q": "פסקוב"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'dir="rtl"' in html and 'lang="he"' in html
    assert "<mark>פסקוב</mark>" in html


def test_health_reports_the_node(client_for, sample_alias):
    response = client_for(sample_alias).get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["elasticsearch"]["reachable"] is True
    assert body["index"]["exists"] is True


def test_health_is_503_while_the_alias_is_missing(client_for):
    """A node up without the index cannot serve a search: a load balancer must not send one here."""
    response = client_for(f"never-built-{uuid.uuid4().hex}").get("/api/health")
    assert response.status_code == 503 and int(response.headers["Retry-After"]) > 0
    body = response.get_json()
    assert body["status"] == "no_index" and body["index"]["exists"] is False
    assert body["elasticsearch"]["reachable"] is True


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def test_elasticsearch_down_is_503_json(client_for):
    client = client_for("anything", url=_closed_port_url())
    response = client.get("/api/search", query_string={"q": "סוריה"})
    assert response.status_code == 503
    assert response.get_json()["error"] == "search_unavailable"
    assert response.headers["Retry-After"]
    health = client.get("/api/health")
    assert health.status_code == 503
    assert health.get_json()["elasticsearch"]["reachable"] is False
    page = client.get("/", query_string={"q": "סוריה"})
    assert page.status_code == 503
    assert "אינו זמין" in page.get_data(as_text=True)
