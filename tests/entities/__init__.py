"""Tests of service/entities/: the gazetteer, the extractor and the entities stored in the index."""
