"""``hf:<model dir>``: a Hugging Face ``transformers`` token-classification model on disk as an extractor.

For users with a CamemBERT-style NER model saved with ``save_pretrained``. Nothing is fetched: the hub is
switched off (``HF_HUB_OFFLINE=1``, ``local_files_only=True``). Text goes through the ``token-classification``
pipeline line by line; its character offsets (from the fast tokenizer) and its BIO aggregation
(``aggregation_strategy="simple"``) give the spans, with the model's own labels (``B-PER`` → ``PER``).
Needs the ``hf`` extra and torch.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from rukp.errors import RukpError

INSTALL_HINT = "pip install -e '.[hf]' torch (from a checkout)"


def _require_transformers() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError as e:
        raise RukpError(f"the hf extractor needs transformers and torch ({e.name} is missing): "
                        f"{INSTALL_HINT}") from None
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    return transformers


def check_model_dir(model_dir: str | Path) -> Path:
    """The model folder, if it looks like a saved transformers model; else a :class:`RukpError`."""
    path = Path(model_dir).expanduser()
    if not path.is_dir():
        raise RukpError("hf model directory not found", path=path)
    if not (path / "config.json").is_file():
        raise RukpError("no config.json: not a transformers model directory (save it with save_pretrained)",
                        path=path)
    return path


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


class HFTokenClassifier:
    """Entities from a local token-classification model, with the model's label names."""

    def __init__(self, model_dir: str | Path, *, batch_size: int = 8) -> None:
        path = check_model_dir(model_dir)
        transformers = _require_transformers()
        self.name = f"hf:{model_dir}"
        self.batch_size = batch_size
        try:
            config = transformers.AutoConfig.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError) as e:
            raise RukpError(f"cannot read the model config: {e}", path=path / "config.json") from None
        architectures = getattr(config, "architectures", None) or []
        if architectures and not any(a.endswith("ForTokenClassification") for a in architectures):
            raise RukpError(f"{', '.join(architectures)} is not a token-classification model "
                            "(expected an architecture *ForTokenClassification)", path=path)
        try:
            model = transformers.AutoModelForTokenClassification.from_pretrained(path, local_files_only=True)
            tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
        except (OSError, ValueError, KeyError) as e:
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise RukpError(f"cannot load a token-classification model and tokenizer: {first}",
                            path=path) from None
        if not getattr(tokenizer, "is_fast", False):
            raise RukpError("the tokenizer is not a fast tokenizer, so character offsets are unavailable",
                            path=path)
        self.labels = sorted(set(model.config.id2label.values()))
        max_len = getattr(tokenizer, "model_max_length", None)
        stride = {"stride": min(64, max_len // 4)} if isinstance(max_len, int) and max_len < 100_000 else {}
        self.pipe = transformers.pipeline("token-classification", model=model, tokenizer=tokenizer,
                                          aggregation_strategy="simple", device=-1, **stride)

    def extract(self, text: str) -> dict[str, Any]:
        offsets, lines, offset = [], [], 0
        for line in text.split("\n"):
            if line.strip():
                offsets.append(offset)
                lines.append(line)
            offset += len(line) + 1
        results = self.pipe(lines, batch_size=self.batch_size) if lines else []
        spans: list[tuple[int, int, str]] = []
        for base, line, found in zip(offsets, lines, results, strict=True):
            for r in found:
                start, end = _strip(line, int(r["start"]), int(r["end"]))
                label = str(r["entity_group"]).removeprefix("B-").removeprefix("I-")
                if end > start and label != "O":
                    spans.append((base + start, base + end, label))
        entities, last_end = [], -1
        for start, end, label in sorted(spans):
            if start >= last_end:  # aggregation can yield touching words; overlaps are dropped
                entities.append({"start": start, "end": end, "label": label})
                last_end = end
        return {"entities": entities}
