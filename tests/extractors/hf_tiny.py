"""A tiny token-classification model built locally (no download) whose predictions are known by construction.

No hidden layer: a token's hidden state is its one-hot word embedding (position and type embeddings are zero),
and the classifier is the identity, so each vocabulary word predicts the BIO tag it was given below.
"""

from __future__ import annotations

from pathlib import Path

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]
TAGS = {"Vladimir": "B-PER", "Poutine": "I-PER", "Sergueï": "B-PER", "Lavrov": "I-PER", "Mos": "B-LOC",
        "##cou": "I-LOC"}
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Vladimir", "Poutine", "arrive", "à", "Mos", "##cou",
         ".", "et", "Sergueï", "Lavrov", "le", "a", "parlé"]


def build(folder: Path, *, architecture: str = "token") -> Path:
    """Save the tiny model and a BERT WordPiece tokenizer built from a vocab file into ``folder``."""
    import torch
    from transformers import (
        BertConfig,
        BertForSequenceClassification,
        BertForTokenClassification,
        BertTokenizerFast,
    )

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(str(folder / "vocab.txt"), do_lower_case=False, strip_accents=False,
                                  tokenize_chinese_chars=False, model_max_length=64)
    config = BertConfig(vocab_size=len(VOCAB), hidden_size=len(LABELS), num_hidden_layers=0,
                        num_attention_heads=1, intermediate_size=4, max_position_embeddings=64,
                        id2label=dict(enumerate(LABELS)), label2id={x: i for i, x in enumerate(LABELS)})
    cls = BertForTokenClassification if architecture == "token" else BertForSequenceClassification
    model = cls(config)
    if architecture == "token":
        with torch.no_grad():
            emb = torch.zeros(len(VOCAB), len(LABELS))
            for i, word in enumerate(VOCAB):
                emb[i, LABELS.index(TAGS.get(word, "O"))] = 1.0
            model.bert.embeddings.word_embeddings.weight.copy_(emb)
            model.bert.embeddings.position_embeddings.weight.zero_()
            model.bert.embeddings.token_type_embeddings.weight.zero_()
            model.classifier.weight.copy_(torch.eye(len(LABELS)))
            model.classifier.bias.zero_()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
