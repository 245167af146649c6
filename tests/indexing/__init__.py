"""Tests of service/indexing/: documents, the loader and pipeline, updates, reindex and write faults."""
