"""The write side: articles → documents → the index.

``documents`` (an article and its entities → the index's documents), ``extraction`` (entity
extraction, run in one place), ``pipeline`` (records → bulk actions, in worker processes or inline),
``bulk`` (sending actions, counting what was stored), ``writes`` (stale parts, deletes, and the
writes a running reindex follows), ``journal`` (what writers and a reindex tell each other),
``loader`` (the one loader: ``load(es, paths, index, workers=N)``), ``reindex`` (the zero-downtime
rebuild, with its ``lock``) and ``report`` (what the commands print).
"""
