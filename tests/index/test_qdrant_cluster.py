"""The Qdrant collection a build creates takes its shard count and replication factor from the settings
(``RAG_QDRANT_SHARDS``, ``RAG_QDRANT_REPLICATION``), as a cluster needs; local mode accepts and ignores them."""
from __future__ import annotations

from dataclasses import replace

import pytest

from rag.embeddings.fake import FakeEmbedder
from rag.index import open_index, update_index
from rag.settings import Settings

from ..conftest import SAMPLES

pytest.importorskip("qdrant_client", reason="the Qdrant store needs `pip install .[qdrant]`")


class Recording:
    """Stands in for a client: records create_collection's arguments."""

    def __init__(self):
        self.created = []

    def create_collection(self, name, **kwargs):
        self.created.append((name, kwargs))

    def create_payload_index(self, *args, **kwargs):
        pass


@pytest.mark.parametrize("env, shards, replication", [
    ({}, None, None),  # the server's defaults: one shard per node, one copy
    ({"RAG_QDRANT_SHARDS": "6", "RAG_QDRANT_REPLICATION": "2"}, 6, 2),
])
def test_new_collections_take_shards_and_replication_from_the_settings(env, shards, replication):
    from rag.index.qdrant_writer import create_collection

    s = Settings.from_env({"RAG_STORE": "qdrant", **env})
    client = Recording()
    create_collection(client, "bulletins_000001", 384, s.qdrant_shards, s.qdrant_replication)
    (name, kwargs), = client.created
    assert (kwargs["shard_number"], kwargs["replication_factor"]) == (shards, replication)
    assert kwargs["vectors_config"]["dense"].size == 384


def test_bad_values_are_refused():
    with pytest.raises(ValueError, match="RAG_QDRANT_REPLICATION >= 1"):
        Settings.from_env({"RAG_QDRANT_REPLICATION": "-1"})


def test_local_mode_builds_with_cluster_settings(settings):
    from rag.index.qdrant import close_clients

    s = replace(settings, store="qdrant", qdrant_shards=3, qdrant_replication=2)
    try:
        summary = update_index(s, paths=[settings.corpus_dir / SAMPLES[0]], embedder=FakeEmbedder(),
                               show_progress=False)
        assert summary.chunks_total > 0 and open_index(s, FakeEmbedder()).count() == summary.chunks_total
    finally:
        close_clients(s)
