"""Turns the project's SmolLM2 GGUF into a Hugging Face folder that vLLM can serve on the CPU.

vLLM 0.32 cannot load a GGUF on the CPU. transformers reads the GGUF (dequantizing its
Q4_1 weights to float32) and writes safetensors; nothing is fetched from a hub.
Run with .venv-vllm's Python: python scripts/vllm_convert_model.py GGUF OUT_DIR
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def convert(gguf: Path, out: Path) -> None:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    # The weights are plain floats now: a quantizer left on the model makes vLLM expect GGUF.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = out.with_name(out.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    model.save_pretrained(str(partial))
    tokenizer.save_pretrained(str(partial))
    partial.rename(out)  # only a finished folder carries the cache key's name


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: vllm_convert_model.py GGUF OUT_DIR", file=sys.stderr)
        return 2
    gguf, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    if not gguf.is_file():
        print(f"no GGUF file at {gguf}", file=sys.stderr)
        return 2
    if out.exists():
        print(f"{out} exists already: nothing to do", file=sys.stderr)
        return 0
    out.parent.mkdir(parents=True, exist_ok=True)
    convert(gguf, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
