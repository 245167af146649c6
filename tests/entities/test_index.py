"""Entities in the real index: stored per part (nested) and per article, filterable through the API, and
known to the node's stemmer through the generated names dictionary."""

import pytest

from service.entities.gazetteer import load_gazetteer
from service.entities.hunspell import DIC_PATH, hspell_words, name_words, render_dic
from tests.indexing.stored import parts_of, with_parts

SEED = "cfedd30feb2df8c6"


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def entity_id(gazetteer, name: str, entity_type: str) -> str:
    (entity,) = [e for e in gazetteer.by_name()[name.lower()] if e.type == entity_type]
    return entity.id


def test_article_document_stores_entities_with_counts(es, sample_alias, gazetteer):
    hits = es.search(index=sample_alias, query={"match_all": {}})["hits"]["hits"]
    (article,) = hits  # one document per article
    counts = {(e["type"], e["name"]): e["count"] for e in article["_source"]["entity_counts"]}
    assert counts[("person", "ולדימיר פוטין")] >= 10
    assert counts[("place", "סוריה")] >= 3
    assert counts[("credit", 'לע"מ')] == 4
    putin = entity_id(gazetteer, "ולדימיר פוטין", "person")
    assert f"{putin}|ולדימיר פוטין" in article["_source"]["entities"]["person"]


def test_each_part_stores_its_own_entities(es, sample_alias, gazetteer):
    query = with_parts({"match_phrase": {"parts.text": "טילי S-400"}})
    (article,) = es.search(index=sample_alias, query=query)["hits"]["hits"]
    (caption,) = parts_of(article)
    assert caption["kind"] == "caption"
    own = caption["part_entity_ids"]
    assert entity_id(gazetteer, "סוריה", "place") in own
    assert entity_id(gazetteer, "ולדימיר פוטין", "person") not in own
    # ...while the article's document holds the union of its parts' entities for filtering.
    assert entity_id(gazetteer, "ולדימיר פוטין", "person") in article["_source"]["entity_ids"]


def test_api_filters_by_entity(client_for, fixtures_alias, gazetteer):
    # The seed, a2 and a5 are about Putin; Peskov speaks in the seed and a2 only.
    client = client_for(fixtures_alias)
    peskov = entity_id(gazetteer, "דימיטרי פסקוב", "person")
    everyone = client.get("/api/search", query_string={"q": "פוטין"}).get_json()
    body = client.get("/api/search", query_string={"q": "פוטין", "person": peskov}).get_json()
    assert {r["article_id"] for r in everyone["results"]} == {SEED, "a2", "a5"}
    assert body["total"] == 2 and {r["article_id"] for r in body["results"]} == {SEED, "a2"}
    assert all(any(e["id"] == peskov for e in r["entities"]["person"]) for r in body["results"])
    nobody = client.get(
        "/api/search", query_string={"q": "פוטין", "person": "person:nobody-at-all"}
    ).get_json()
    assert nobody["total"] == 0


def test_api_filters_are_and_across_types(client_for, sample_alias, gazetteer):
    client = client_for(sample_alias)
    params = {
        "person": entity_id(gazetteer, "ולדימיר פוטין", "person"),
        "place": entity_id(gazetteer, "סוריה", "place"),
    }
    assert client.get("/api/search", query_string=params).get_json()["total"] > 0
    params["organisation"] = "organisation:nobody-at-all"
    assert client.get("/api/search", query_string=params).get_json()["total"] == 0


def test_bad_entity_filter_is_400(client_for, sample_alias):
    response = client_for(sample_alias).get("/api/search", query_string={"person": "place:x"})
    assert response.status_code == 400
    assert "person" in response.get_json()["message"]


def test_committed_names_dictionary_is_current(gazetteer):
    assert DIC_PATH.read_text(encoding="utf-8") == render_dic(name_words(gazetteer, hspell_words())), (
        "run: python scripts/build_hunspell_names.py"
    )


@pytest.mark.parametrize(
    ("word", "stem"), [("לפוטין", "פוטין"), ("ופורושנקו", "פורושנקו"), ("לפסקוב", "פסקוב")]
)
def test_stemmer_strips_prefixes_from_names(es, sample_alias, word, stem):
    tokens = es.indices.analyze(index=sample_alias, analyzer="he_stem", text=word)["tokens"]
    assert stem in [t["token"] for t in tokens]
