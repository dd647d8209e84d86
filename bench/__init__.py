"""Performance benchmark of the bulletin Q&A pipeline (issue #7): ``python -m bench --help``."""
