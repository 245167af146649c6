"""Tests of service/search/: parsing, queries, results, facets and the read side's robustness."""
