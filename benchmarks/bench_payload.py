"""The store's payload format beside Parquet (pyarrow), on the 50,000-person synthetic workbook, in one run.

What a save and a load of one version spend on the payloads, without the database: every
contract table turned into bytes (:func:`planning.scenarios.store.payload.encode_version`)
and back into tables with the contract's dtypes
(:func:`~planning.scenarios.store.payload.decode_version`), beside the same through
Parquet: ``pyarrow.Table.from_pandas`` + ``pyarrow.parquet.write_table`` (dictionary
encoding on; snappy, pyarrow's default, and zstd) and ``read_table(...).to_pandas()`` with
the same conversion to the contract's dtypes. Per codec, in fresh interpreters: the size
of all the payloads, save and load time (best of ``--repeat`` after a warm-up; the load
must give back the saved workbook, ``Workbook.equals``, with the contract's dtypes), and
the peak resident memory one save adds over the workbook in memory and one load adds over
the payloads, each in a process that has done nothing else (Linux: the peak is reset
through ``/proc/self/clear_refs``), and what a second load adds in that process ("again":
the one-time costs of a first call gone, but memory the first load freed is reused, so
this one is a lower bound). The ratios are Parquet / the store's format.

pyarrow is not a dependency of the project. ``--pyarrow-path DIR`` puts a folder holding it
(``pip install --target DIR pyarrow``) on the path of the Parquet runs only; note that with
pyarrow importable pandas keeps text in Arrow arrays (``str`` dtype, pyarrow storage), so the
store's format is also run that way ("columnar, pyarrow present") to separate the two effects.

    python benchmarks/bench_payload.py [--people 50000] [--rounds 3] [--repeat 3] [--pyarrow-path DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP = r"""
import gc, io, json, sys, time
import numpy as np
import pandas as pd
codec, phase, path = sys.argv[1:4]
people, host_units, repeat = int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
from planning.contract import Workbook
from planning.contract import schema as contract
from planning.samples.synthetic import synthetic_workbook
from planning.scenarios.store import payload

def status(key):
    return int([l for l in open("/proc/self/status") if l.startswith(key)][0].split()[1]) / 1024

def reset_peak():
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return status("VmRSS")

if codec == "columnar":
    def save(wb):
        return [(n, rows, payload.ENCODING, data) for n, rows, data in payload.encode_version(wb)]
    def load(parts):
        return payload.decode_version(parts)
else:
    import pyarrow as pa
    import pyarrow.parquet as pq
    compression = codec.split(":")[1]
    def save(wb):
        out = []
        for n, df in payload.contract_frames(wb, None):
            buf = io.BytesIO()
            pq.write_table(pa.Table.from_pandas(df, preserve_index=False), buf, compression=compression)
            out.append((n, len(df), codec, buf.getvalue()))
        return out
    def load(parts):
        frames = {}
        for n, rows, _, data in parts:
            df = pq.read_table(pa.BufferReader(data)).to_pandas()
            specs = dict(contract.column_specs(n))
            for c in df.columns:
                if c in specs:
                    want = payload.contract_dtype(specs[c])
                    if str(df[c].dtype) != want:
                        df[c] = df[c].astype(want)
            frames[n] = df
        return frames

def write_parts(parts, path):
    head = json.dumps([[n, rows, enc, len(data)] for n, rows, enc, data in parts]).encode()
    with open(path, "wb") as f:
        f.write(len(head).to_bytes(8, "little") + head + b"".join(p[3] for p in parts))

def read_parts(path):
    raw = open(path, "rb").read()
    n = int.from_bytes(raw[:8], "little")
    pos, out = 8 + n, []
    for name, rows, enc, size in json.loads(raw[8:8 + n]):
        out.append((name, rows, enc, raw[pos:pos + size]))
        pos += size
    return out

def make():
    return synthetic_workbook(people=people, host_units=host_units, sectors=30, seed=0)

if phase == "time":  # best of ``repeat`` after a warm-up; the loaded workbook must equal the saved one
    wb = make()
    save(wb); load(save(wb))
    saves, loads = [], []
    for _ in range(repeat):
        t = time.perf_counter(); parts = save(wb); saves.append(time.perf_counter() - t)
    for _ in range(repeat):
        t = time.perf_counter(); frames = load(parts); loads.append(time.perf_counter() - t)
    back = Workbook(**{n: frames[n] for n in contract.table_names()})
    same = back.equals(wb)
    dtypes = all(str(back.tables()[n][c].dtype) == str(df[c].dtype)
                 for n, df in wb.tables().items() for c in df.columns)
    write_parts(parts, path)
    out = {"bytes": sum(len(p[3]) for p in parts), "save": min(saves), "load": min(loads), "same": same,
           "dtypes": dtypes, "rows": sum(len(df) for df in wb.tables().values())}
elif phase == "save_mem":  # one save, in a process that has done nothing else but make the workbook
    wb = make()
    base = reset_peak()
    parts = save(wb)
    out = {"save_peak_mb": max(status("VmHWM") - base, 0.0)}
else:  # one load of the payloads written by the timing run, before anything else; then a second one
    parts = read_parts(path)
    base = reset_peak()
    frames = load(parts)
    out = {"load_peak_mb": max(status("VmHWM") - base, 0.0)}
    del frames
    base = reset_peak()
    frames = load(parts)
    out["load_again_peak_mb"] = max(status("VmHWM") - base, 0.0)
out["text_storage"] = pd.Series(["a"]).dtype.storage
print(json.dumps(out))
"""


def step(codec: str, phase: str, path: Path, args, extra_path: str | None) -> dict | None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([p for p in (str(ROOT), extra_path, env.get("PYTHONPATH")) if p])
    r = subprocess.run([sys.executable, "-W", "ignore", "-c", STEP, codec, phase, str(path), str(args.people),
                        str(args.host_units), str(args.repeat)], capture_output=True, text=True, cwd=ROOT, env=env)
    if r.returncode:
        print(f"    {codec} ({phase}): failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def run(codec: str, args, extra_path: str | None, tmp: Path, best: dict | None) -> dict | None:
    """One round of timing (and the round trip's check) in its own process; the best so far is kept.

    The first round also measures the peak memory of one save and of one load, each in its own process.
    """
    path = tmp / f"{codec.replace(':', '_')}.bin"
    res = step(codec, "time", path, args, extra_path)
    if res is None:
        return None
    if best is not None:
        best.update(save=min(best["save"], res["save"]), load=min(best["load"], res["load"]),
                    same=best["same"] and res["same"], dtypes=best["dtypes"] and res["dtypes"])
        return best
    for phase in ("save_mem", "load_mem"):
        r = step(codec, phase, path, args, extra_path)
        if r is None:
            return None
        res.update(r)
    return res


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--people", type=int, default=50_000)
    ap.add_argument("--host-units", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N (the machines are shared and noisy)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds in which the codecs take turns (each a fresh process, best of --repeat)")
    ap.add_argument("--pyarrow-path", default=None,
                    help="a folder holding pyarrow, put on the path of the Parquet runs only")
    args = ap.parse_args()
    print(f"synthetic workbook: {args.people:,} people, {args.host_units:,} host units, 30 sectors, seed 0; "
          f"{args.rounds} rounds, the codecs taking turns, each a fresh interpreter timing best of {args.repeat}")
    runs = [("columnar", "the store's format (cols1+zlib)", None)]
    if args.pyarrow_path:
        runs.append(("columnar", "columnar, pyarrow present", args.pyarrow_path))
    runs += [("parquet:snappy", "Parquet (pyarrow, snappy)", args.pyarrow_path),
             ("parquet:zstd", "Parquet (pyarrow, zstd)", args.pyarrow_path)]
    print(f"    {'codec':<32} {'text storage':>12} {'MB':>7} {'save s':>7} {'load s':>7} {'save +MB':>9} "
          f"{'load +MB':>9} {'again +MB':>9} {'equal':>6}")
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):  # the codecs take turns, so a busy spell of the machine hits them alike
            for codec, label, path in runs:
                r = run(codec, args, path, Path(tmp), res.get(label))
                if r is not None:
                    res[label] = r
    for label, r in res.items():
        print(f"    {label:<32} {r['text_storage']:>12} {r['bytes'] / 1e6:>7.2f} {r['save']:>7.3f} {r['load']:>7.3f} "
              f"{r['save_peak_mb']:>9.0f} {r['load_peak_mb']:>9.0f} {r['load_again_peak_mb']:>9.0f} "
              f"{str(r['same'] and r['dtypes']):>6}")
    ok = all(r["same"] and r["dtypes"] for r in res.values())
    ours = res.get("the store's format (cols1+zlib)")
    if ours:
        print(f"    ({ours['rows']:,} rows in all)")
        for label, r in res.items():
            if label.startswith("Parquet"):
                print(f"    {label} / the store's format: size {r['bytes'] / ours['bytes']:.2f}, "
                      f"save {r['save'] / ours['save']:.2f}, load {r['load'] / ours['load']:.2f}, "
                      f"peak memory save {r['save_peak_mb'] / max(ours['save_peak_mb'], 1):.2f}, "
                      f"load {r['load_peak_mb'] / max(ours['load_peak_mb'], 1):.2f} "
                      f"(again {r['load_again_peak_mb'] / max(ours['load_again_peak_mb'], 1):.2f})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
