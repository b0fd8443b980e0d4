"""Run one fuzz target under atheris: ``python fuzz/run.py TARGET CORPUS_DIR [libFuzzer options...]``.

Use ``scripts/fuzz.sh``, which builds the AddressSanitizer copy of the compiled modules (build/asan), preloads
atheris's ASan runtime and points PYTHONPATH at that copy. The run refuses to start on the product's own build
(no sanitizer: an out-of-bounds access would go unseen) unless ``IPMIFAST_FUZZ_PLAIN=1``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parent.parent
sys.path.append(str(ROOT))  # fuzz.targets, tests.pcaps, the in-memory harness: after PYTHONPATH (build/asan)

with atheris.instrument_imports(include=["ipmifast"]):
    import ipmifast.proto._crypto_c
    import ipmifast.proto._frame_c
    import ipmifast.proto._sol_c

from fuzz.targets import TARGETS  # noqa: E402


def main() -> None:
    if len(sys.argv) < 3 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: python fuzz/run.py {{{','.join(TARGETS)}}} CORPUS_DIR [libFuzzer options]")
    name, corpus = sys.argv[1], Path(sys.argv[2])
    built = Path(ipmifast.proto._frame_c.__file__)
    if "asan" not in built.parts and os.environ.get("IPMIFAST_FUZZ_PLAIN") != "1":
        sys.exit(f"fuzz/run.py: {built} is not the ASan build (run scripts/fuzz.sh)")
    function, seeds = TARGETS[name]
    corpus.mkdir(parents=True, exist_ok=True)
    if not any(corpus.iterdir()):
        for i, seed in enumerate(seeds()):
            (corpus / f"seed-{i:04d}").write_bytes(seed)
    atheris.Setup([sys.argv[0], str(corpus), *sys.argv[3:]], function)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
