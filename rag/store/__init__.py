"""Index storage: the SQLite chunk store, the FAISS vectors, the BM25 keyword index and the manifest."""
