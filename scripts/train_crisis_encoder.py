"""Trains the crisis detector's tuned layer: MiniLM's first layers fine-tuned as a level classifier.

`make train-crisis` (scripts/train_crisis.sh) runs it whenever the exemplars change, from its
own environment (requirements-train.lock: torch and transformers; the product never imports
them); it asks the project's own .venv for the exemplars and the constants:

    /path/to/torch-venv/bin/python scripts/train_crisis_encoder.py
    .venv/bin/python scripts/train_crisis_encoder.py --check   # exit 0 when the model is current

It trains on the same written exemplars as the other layers (voice_therapist.safety.detector
.exemplars, with the project's ordinary therapy talk as `none`), keeps MiniLM's word and
position tables frozen (the product reads them from the installed weights, so only the
layers and the head are shipped), and writes models/crisis_tuned/: the layers and head as
float16 safetensors, and model.json with the settings, digests of the base weights and the
exemplars, and reference probabilities that tests/test_tuned_crisis_model.py checks the
ONNX graph against.

--leave-out NAME[,NAME] leaves sets under tests/data/ out of the exemplars, and --out DIR
writes the model elsewhere: that is how the threshold was chosen (docs/safety-record.md).
--data FILE trains on other lines (a JSON file shaped like --data-only's output):
scripts/crisis_ceiling.py uses it to measure, never to ship.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PYTHON = ROOT / ".venv" / "bin" / "python"

LAYERS = 3  # of MiniLM's 6: half the cost, and as good as all six on the read-set pair both were tried on
EPOCHS = 3
LEARNING_RATE = 1e-4
BATCH = 32
MAX_TOKENS = 64  # the exemplars are spoken lines of 5-40 words
SEED = 0


def project_data(leave_out: str) -> dict:
    """Run in the project's .venv: the training lines, without the left-out sets, and the constants."""
    sys.path.insert(0, str(ROOT))
    from voice_therapist.dialogue.protocol import load_protocols
    from voice_therapist.nlp.distortions import KNOWLEDGE_FILE
    from voice_therapist.nlp.embedder import default_model_dir
    from voice_therapist.safety.detector import EXEMPLAR_FILES, exemplars, ordinary_talk
    from voice_therapist.safety.tuned_model import LEVELS, MODEL_DIR, REFERENCE_TEXTS, exemplars_digest

    written = exemplars(EXEMPLAR_FILES, ordinary_talk(load_protocols(), KNOWLEDGE_FILE))
    held = set()
    for name in filter(None, leave_out.split(",")):
        rows = (ROOT / "tests" / "data" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        held |= {json.loads(row)["text"].strip().lower() for row in rows if row.strip()}
    lines = [(text, level) for level, texts in written.items() for text in texts if text.strip().lower() not in held]
    return {"lines": lines, "levels": LEVELS, "model_dir": str(MODEL_DIR), "reference_texts": REFERENCE_TEXTS,
            "base": str(default_model_dir()), "exemplars_sha256": exemplars_digest(lines)}


def is_current(data: dict) -> bool:
    """The model in models/crisis_tuned/ was trained on exactly these exemplars and base weights."""
    try:
        meta = json.loads((Path(data["model_dir"]) / "model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    base = Path(data["base"]) / "model.safetensors"
    with open(base, "rb") as f:
        base_digest = hashlib.file_digest(f, "sha256").hexdigest()
    return (meta.get("exemplars_sha256") == data["exemplars_sha256"] and meta.get("base_weights_sha256") == base_digest
            and meta.get("left_out") == "" and (Path(data["model_dir"]) / "weights.safetensors").is_file())


def train(lines: list[tuple[str, str]], levels: list[str], base: Path):
    import numpy as np
    import torch
    from transformers import BertModel, BertTokenizerFast

    class LevelClassifier(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.bert = BertModel.from_pretrained(str(base), add_pooling_layer=False, num_hidden_layers=LAYERS)
            self.head = torch.nn.Linear(self.bert.config.hidden_size, len(levels))

        def forward(self, ids, mask):
            hidden = self.bert(input_ids=ids, attention_mask=mask).last_hidden_state
            weights = mask.unsqueeze(-1).float()
            return self.head((hidden * weights).sum(1) / weights.sum(1))  # mean over real tokens, not normalised

    torch.manual_seed(SEED)
    rng = random.Random(SEED)
    torch.set_num_threads(2)
    tokenizer = BertTokenizerFast.from_pretrained(str(base))
    model = LevelClassifier()
    for name, parameter in model.named_parameters():
        parameter.requires_grad = not name.startswith("bert.embeddings")
    counts = np.bincount([levels.index(level) for _, level in lines], minlength=len(levels))
    # Square-root balancing: `none` has six times the lines of any risk level.
    balance = torch.tensor((counts.sum() / counts / len(levels)) ** 0.5, dtype=torch.float32)
    loss_fn = torch.nn.CrossEntropyLoss(weight=balance)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=LEARNING_RATE, weight_decay=0.01)
    steps = EPOCHS * -(-len(lines) // BATCH)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda s: min(1.0, s / (0.06 * steps)) * max(0.0, (steps - s) / steps))
    order = list(lines)
    started, step = time.time(), 0
    model.train()
    for _ in range(EPOCHS):
        rng.shuffle(order)
        for i in range(0, len(order), BATCH):
            batch = order[i:i + BATCH]
            encoded = tokenizer([text for text, _ in batch], padding=True, truncation=True, max_length=MAX_TOKENS,
                                return_tensors="pt")
            target = torch.tensor([levels.index(level) for _, level in batch])
            loss = loss_fn(model(encoded["input_ids"], encoded["attention_mask"]), target)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            step += 1
            if step % 100 == 0:
                print(f"step {step}/{steps}, loss {loss.item():.3f}, {time.time() - started:.0f} s", flush=True)
    model.eval()

    def probabilities(texts: list[str]) -> list[list[float]]:
        with torch.no_grad():
            encoded = tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")
            return torch.softmax(model(encoded["input_ids"], encoded["attention_mask"]), -1).tolist()

    state = {name.removeprefix("bert."): value.detach().to(torch.float16).contiguous()
             for name, value in model.state_dict().items() if not name.startswith("bert.embeddings")}
    return state, probabilities, torch.__version__


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leave-out", default="", help="comma-separated tests/data set names, without .jsonl")
    parser.add_argument("--out", type=Path, help="where the model goes (default: models/crisis_tuned)")
    parser.add_argument("--data-only", action="store_true", help=argparse.SUPPRESS)  # the .venv's half
    parser.add_argument("--data", type=Path, help="train on these lines instead (for measuring; needs --out)")
    parser.add_argument("--check", action="store_true", help="exit 0 when models/crisis_tuned is current")
    parser.add_argument("--digest", action="store_true", help="print the digest of the exemplars it trains on")
    args = parser.parse_args()
    if args.check:
        sys.exit(0 if is_current(project_data("")) else 1)
    if args.digest:
        print(project_data("")["exemplars_sha256"])
        return
    if args.data_only:
        print(json.dumps(project_data(args.leave_out)))
        return
    if args.data and not args.out:
        parser.error("--data needs --out: the shipped model is trained on the exemplars only")
    data = json.loads(args.data.read_text(encoding="utf-8") if args.data else subprocess.run(
        [str(PROJECT_PYTHON), __file__, "--data-only", "--leave-out", args.leave_out],
        check=True, capture_output=True, text=True).stdout)
    from safetensors.torch import save_file

    base = Path(data["base"])
    state, probabilities, torch_version = train([tuple(line) for line in data["lines"]], data["levels"], base)
    out = args.out or Path(data["model_dir"])
    out.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out / "weights.safetensors"))
    meta = {
        "levels": data["levels"], "layers": LAYERS, "epochs": EPOCHS, "learning_rate": LEARNING_RATE, "batch": BATCH,
        "max_tokens": MAX_TOKENS, "seed": SEED, "torch": torch_version,
        "left_out": f"data:{args.data.name}" if args.data else args.leave_out,
        "base_weights_sha256": hashlib.sha256((base / "model.safetensors").read_bytes()).hexdigest(),
        "exemplars_sha256": data["exemplars_sha256"], "exemplar_lines": len(data["lines"]),
        "reference": {"texts": data["reference_texts"], "probabilities": probabilities(data["reference_texts"])},
    }
    (out / "model.json").write_text(json.dumps(meta, indent=1) + "\n")
    print("wrote", out)


if __name__ == "__main__":
    main()
