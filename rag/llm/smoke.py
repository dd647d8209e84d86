"""Does the installed llama.cpp answer at all on this machine? ``python -m rag.llm.smoke`` loads the local model
and generates two tokens after a prompt of a few hundred tokens; exit status 0 when it did, 1 when it failed, 2 when
the model could not be assembled (nothing is known of the build then). A crash kills the process (status 139).

`run.sh` runs it in a child process right after installing a llama.cpp wheel compiled for this CPU. Reading the
build's instruction sets (cpu_build.check_build) is not enough: on an Intel Xeon with AMX (a 2-core VM, session 26)
the native build loaded and then died with SIGSEGV inside ``xllamacpp.Server`` — the crash can only be seen by
running it, and a crash must send run.sh back to the prebuilt wheel rather than into every later question.
"""
from __future__ import annotations

import logging
import sys
import time

log = logging.getLogger(__name__)


# a prompt of a few hundred tokens, as a real question's: a long prompt goes through llama.cpp's batched matrix
# code, where a build for the wrong instructions is likeliest to break, while "你好" would take the one-token path
PROMPT = ("示范区3个街道共确定议事代表165名，其中许湾街道58名、文昌街道57名、搬口街道50名。" * 8
          + "\n问题：许湾街道确定了多少名议事代表？")


class ModelMissing(RuntimeError):
    """The model could not be assembled: the build is not what failed."""


def smoke(models_dir, threads: int = 2) -> str:
    """Load the model through the installed xllamacpp, as the app does, and generate two tokens after a prompt of a
    few hundred tokens; the text generated."""
    from .assemble import ensure_gguf
    from .local_server import LocalServer

    try:
        model = ensure_gguf(models_dir)
    except Exception as exc:  # noqa: BLE001 — disk full, a missing part: not the build's fault
        raise ModelMissing(f"{type(exc).__name__}: {exc}") from exc
    server = LocalServer(model, n_ctx=2048, threads=threads)
    reply = server.chat({"messages": [{"role": "user", "content": PROMPT}], "max_tokens": 2, "temperature": 0})
    if not isinstance(reply, dict) or "choices" not in reply:
        raise RuntimeError(f"the model gave no completion: {str(reply)[:200]}")
    return reply["choices"][0]["message"]["content"]


def main() -> int:
    from ..settings import Settings

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    t0 = time.monotonic()
    try:
        text = smoke(Settings.from_env().models_dir)
    except ModelMissing as exc:
        print(f"llama.cpp smoke test not run: the model could not be assembled ({exc})", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 — any other failure means: do not use this build
        print(f"llama.cpp smoke test failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(f"llama.cpp answers on this machine ({time.monotonic() - t0:.1f} s, generated {text!r})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
