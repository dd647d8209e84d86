"""`python -m rag.cli …` is the `rag` command."""
from . import main

main()
