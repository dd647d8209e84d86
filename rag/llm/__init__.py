"""LLM backends behind one interface: a local GGUF model served in-process, any OpenAI-compatible
endpoint, or no LLM at all (extractive answers)."""
