#!/usr/bin/env python3
"""Check headroom's fit engine against PyTorch on a real GPU.

For each catalogue model small enough for the GPU, build it with
transformers' from_config (random weights, no download) and compare:

  * parameters: sum of numel() on the meta device against `headroom models`;
  * BF16 weights: torch.cuda.memory_allocated() after building it on the GPU
    against headroom's bf16_weights_bytes;
  * KV cache: the bytes of the DynamicCache after one forward pass of CTX
    tokens against `headroom fit --runtime transformers --precision bf16`.

Usage (from the repository root, with torch and transformers installed):

    go build -o /tmp/headroom . && \
    python3 fit/testdata/gpucheck/check.py --headroom /tmp/headroom --ctx 4096 \
        --out "${OUT:-.}/gpucheck.json"

It prints one line per model and writes every figure to --out. A model
whose architecture transformers does not know is reported and skipped.
"""
import argparse
import json
import subprocess
import sys
import time

import torch
import transformers

OUR_FIELDS = {"id", "name", "family", "released", "params", "active_params", "weights_bytes", "source"}


def headroom(binary, *args):
    out = subprocess.run([binary, "--nvml-lib=/nonexistent", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def config_for(entry):
    fields = {k: v for k, v in entry.items() if k not in OUR_FIELDS}
    model_type = fields.pop("model_type", None) or "llama"
    if model_type == "RefinedWeb":
        model_type = "falcon"
    return transformers.AutoConfig.for_model(model_type, **fields)


def cache_bytes(cache):
    total = 0
    layers = getattr(cache, "layers", None)
    if layers is not None:  # transformers >= 4.56
        for layer in layers:
            for name in ("keys", "values", "conv_states", "recurrent_states"):
                t = getattr(layer, name, None)
                if isinstance(t, torch.Tensor):
                    total += t.numel() * t.element_size()
        return total
    for t in list(getattr(cache, "key_cache", [])) + list(getattr(cache, "value_cache", [])):
        if isinstance(t, torch.Tensor):
            total += t.numel() * t.element_size()
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--headroom", required=True)
    ap.add_argument("--models", default="models.json")
    ap.add_argument("--ctx", type=int, default=4096)
    ap.add_argument("--out", default="gpucheck.json")
    ap.add_argument("--only", default="", help="substring of the ids to check")
    a = ap.parse_args()

    listing = {r["id"]: r for r in headroom(a.headroom, "--models", a.models, "models", "--json")}
    entries = json.load(open(a.models))
    gpu_bytes = torch.cuda.get_device_properties(0).total_memory if torch.cuda.is_available() else 0
    results = []
    for entry in entries:
        mid = entry["id"]
        if a.only and a.only not in mid:
            continue
        row = {"id": mid, "headroom_params": listing[mid]["params"], "headroom_bf16_bytes": listing[mid]["bf16_weights_bytes"]}
        try:
            cfg = config_for(entry)
            with torch.device("meta"):
                model = transformers.AutoModelForCausalLM.from_config(cfg)
            row["torch_params"] = sum(p.numel() for p in model.parameters())
            del model
        except Exception as e:  # an architecture this transformers lacks
            row["error"] = f"{type(e).__name__}: {e}"[:300]
            results.append(row)
            print(f"{mid}: skipped: {row['error']}")
            continue
        if gpu_bytes and row["headroom_bf16_bytes"] < 0.6 * gpu_bytes:
            try:
                torch.cuda.empty_cache()
                base = torch.cuda.memory_allocated()
                t0 = time.time()
                with torch.device("cuda"):
                    model = transformers.AutoModelForCausalLM.from_config(cfg, torch_dtype=torch.bfloat16)
                row["torch_weights_bytes"] = torch.cuda.memory_allocated() - base
                ids = torch.randint(0, 1000, (1, a.ctx), device="cuda")
                with torch.no_grad():
                    out = model(input_ids=ids, use_cache=True)
                row["torch_cache_bytes"] = cache_bytes(out.past_key_values)
                fitrep = headroom(a.headroom, "--models", a.models, "--context", str(a.ctx), "fit", mid,
                                  "--runtime", "transformers", "--precision", "bf16", "--free", "1TiB", "--json")
                row["headroom_kv_bytes"] = fitrep["estimate"]["kv_bytes"]
                row["seconds"] = round(time.time() - t0, 1)
                del model, out
            except Exception as e:
                row["gpu_error"] = f"{type(e).__name__}: {e}"[:300]
        results.append(row)
        print(json.dumps(row))
    json.dump({"torch": torch.__version__, "transformers": transformers.__version__,
               "gpu": torch.cuda.get_device_name(0) if gpu_bytes else None, "ctx": a.ctx, "results": results},
              open(a.out, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
