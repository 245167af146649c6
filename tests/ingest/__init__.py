"""Tests of service/ingest/: decoding, HTML, scraped pages, credits and reading JSON Lines files."""
