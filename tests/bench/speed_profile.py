"""The production speed profile (extra ``speed``: uvloop + orjson) against stock asyncio/json.

    python -m tests.bench.speed_profile                      # 20,000 messages, 3 pairs, SQLite
    python -m tests.bench.speed_profile --engine postgres --messages 5000 --pairs 1

Each measurement is a child process running the hot-path bench (``tests.bench.hotpath``:
bare disnake and guildhall side by side on the double) either stock (orjson hidden, so
disnake uses ``json``; asyncio's loop) or with the speed profile (orjson; uvloop's loop,
as the worker installs it: ``core.runtime.speed``). Stock and speed alternate, so both see
the same machine load; the figure is messages per CPU second of the process (medians).
"""

from __future__ import annotations

import sys

if __name__ == "__main__" and "--child" in sys.argv and sys.argv[-1] == "stock":
    sys.modules["orjson"] = None  # type: ignore[assignment]  # disnake falls back to json

import argparse
import asyncio
import contextlib
import io
import json
import re
import subprocess

from tests.bench.common import GOAL_MISSED, bench_exit, median

ROW = re.compile(r"^(bare disnake|guildhall \(6 plugins\))\s+([\d,]+)\s+([\d,]+)", re.M)


def child(mode: str, hotpath_args: list[str]) -> int:
    """Run one hot-path measurement in this process; print its rates as one JSON line."""
    from core.runtime.speed import available, install_event_loop_policy
    from tests.bench import hotpath

    uvloop = install_event_loop_policy(mode == "speed")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = asyncio.run(hotpath.bench(hotpath.parse_args(hotpath_args)))
    rates = {name: float(cpu.replace(",", "")) for name, _, cpu in ROW.findall(out.getvalue())}
    orjson = "orjson" in sys.modules and sys.modules["orjson"] is not None
    print(json.dumps({"mode": mode, "code": code, "uvloop": uvloop, "orjson": orjson,
                      "available": available(), "bare": rates.get("bare disnake"),
                      "guildhall": rates.get("guildhall (6 plugins)")}))
    return 0


def measure(mode: str, messages: int, engine: str) -> dict:
    """One child run in ``mode`` (``stock`` or ``speed``)."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.speed_profile", "--messages", str(messages),
         "--engine", engine, "--child", mode],
        capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} run failed: {done.stderr[-2000:]}")
    return json.loads(lines[-1])


def main(argv: list[str]) -> int:
    """Alternate stock and speed runs; print the table and the summary line."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.speed_profile",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=3, help="stock/speed pairs")
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--child", choices=("stock", "speed"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    hotpath_args = ["--messages", str(args.messages), "--rounds", "1", "--engine", args.engine]
    if args.child:
        return child(args.child, hotpath_args)
    from core.runtime.speed import available

    if not all(available().values()):
        print("summary: the speed extra is not installed (pip install 'guildhall[speed]'), "
              "nothing measured -> FAIL")
        return GOAL_MISSED
    runs: dict[str, list[dict]] = {"stock": [], "speed": []}
    for n in range(args.pairs):
        for mode in (("stock", "speed") if n % 2 == 0 else ("speed", "stock")):
            runs[mode].append(measure(mode, args.messages, args.engine))
            run = runs[mode][-1]
            print(f"{mode}: guildhall {run['guildhall']:,.0f} msg/CPU s, bare "
                  f"{run['bare']:,.0f} (uvloop {run['uvloop']}, orjson {run['orjson']})",
                  file=sys.stderr, flush=True)
    correct = all(r["code"] != 1 and r["guildhall"] for rs in runs.values() for r in rs)
    correct = correct and all(r["uvloop"] and r["orjson"] for r in runs["speed"])
    correct = correct and not any(r["uvloop"] or r["orjson"] for r in runs["stock"])
    print(f"speed profile: {args.messages:,} MESSAGE_CREATE per run, {args.pairs} stock/speed "
          f"pairs, {args.engine}; messages per CPU second of the process (medians)")
    print(f"{'profile':<28} {'guildhall':>10} {'bare disnake':>13}")
    figures = {}
    for mode, label in (("stock", "stock (asyncio, json)"), ("speed", "speed (uvloop, orjson)")):
        figures[mode] = median([r["guildhall"] for r in runs[mode]])
        print(f"{label:<28} {figures[mode]:>10,.0f} "
              f"{median([r['bare'] for r in runs[mode]]):>13,.0f}")
    gain = figures["speed"] / figures["stock"]
    print(f"summary: guildhall {figures['stock']:,.0f} -> {figures['speed']:,.0f} msg per CPU "
          f"second with the speed profile ({gain:.2f}x) -> {'PASS' if correct else 'FAIL'}")
    return bench_exit(correct)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
