#!/usr/bin/env python3
"""Tables of the experiments' committed results (the CSVs cim-explore wrote), as in README.md.

    python3 bench/experiments/summarize.py                  # print them
    python3 bench/experiments/summarize.py --update-readme  # rewrite README.md's tables

README.md holds each table between `<!-- BEGIN name -->` and `<!-- END name -->`, name being
the function below that prints it, so the committed tables are the committed results'.
"""
import contextlib
import csv
import io
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(path):
    full = os.path.join(HERE, path)
    if not os.path.exists(full):
        return None
    with open(full, newline="") as f:
        return list(csv.DictReader(f))


def by(rs, *keys):
    return {tuple(r[k] for k in keys): r for r in rs if r["status"] == "ok"}


def pct(x):
    """A share as a percentage with enough digits to show a small one."""
    v = 100 * float(x)
    return f"{v:.2g} %" if v < 1 else f"{v:.1f} %"


def ratio(a, b):
    return float(a) / float(b) if float(b) else float("nan")


def cimflow_strategies():
    rs = rows("cimflow/strategies/results.csv")
    if rs is None:
        return
    print("## CIMFlow: dp against greedy and greedy-nodup (preset cimflow)\n")
    print("| model | batch | dp pred. cycles | speedup over greedy (pred. / sim.) |"
          " over greedy-nodup (pred. / sim.) | energy saved vs greedy-nodup (pred. / sim.) |")
    print("| --- | --- | --- | --- | --- | --- |")
    t = by(rs, "model", "batch", "strategy")
    for (model, batch, strategy), r in t.items():
        if strategy != "dp":
            continue
        g = t.get((model, batch, "greedy"))
        n = t.get((model, batch, "greedy-nodup"))
        if not g or not n:
            continue
        print(f"| {model} | {batch} | {float(r['pred_cycles']):.0f} | "
              f"{ratio(g['pred_cycles'], r['pred_cycles']):.2f}x / "
              f"{ratio(g['sim_cycles'], r['sim_cycles']):.2f}x | "
              f"{ratio(n['pred_cycles'], r['pred_cycles']):.2f}x / "
              f"{ratio(n['sim_cycles'], r['sim_cycles']):.2f}x | "
              f"{100 * (1 - ratio(r['pred_energy_uj'], n['pred_energy_uj'])):.1f} % / "
              f"{100 * (1 - ratio(r['sim_energy_uj'], n['sim_energy_uj'])):.1f} % |")
    failed(rs, "strategy", "batch")
    print()


def cimflow_design_space():
    rs = rows("cimflow/design-space/results.csv")
    if rs is None:
        return
    print("## CIMFlow: T and B (dp against greedy, batch 8)\n")
    print("| model | T | B | dp pred. cycles | dp sim. cycles | greedy / dp (pred.) |"
          " greedy / dp (sim.) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    t = by(rs, "model", "T", "B", "strategy")
    for (model, T, B, strategy), r in t.items():
        g = t.get((model, T, B, "greedy"))
        if strategy != "dp" or not g:
            continue
        print(f"| {model} | {T} | {B} | {float(r['pred_cycles']):.0f} | {r['sim_cycles']} | "
              f"{ratio(g['pred_cycles'], r['pred_cycles']):.2f}x | "
              f"{ratio(g['sim_cycles'], r['sim_cycles']):.2f}x |")
    failed(rs, "T", "B", "strategy")
    print()


def cmswitch_modes():
    rs = rows("cmswitch/modes/results.csv")
    if rs is None:
        return
    print("## CMSwitch: mip against all-compute (preset dynaplasia)\n")
    print("| model | mip pred. cycles | speedup (pred.) | speedup (sim.) |"
          " mode-switch share (pred.) | (sim.) | transition share (pred.) | switches |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    t = by(rs, "model", "policy")
    pred, sim = [], []
    for (model, policy), r in t.items():
        a = t.get((model, "all-compute"))
        if policy != "mip" or not a:
            continue
        p = ratio(a["pred_cycles"], r["pred_cycles"])
        s = ratio(a["sim_cycles"], r["sim_cycles"])
        pred.append(p)
        sim.append(s)
        print(f"| {model} | {float(r['pred_cycles']):.0f} | {p:.2f}x | {s:.2f}x | "
              f"{pct(r['pred_switch_share'])} | {pct(r['sim_switch_share'])} | "
              f"{pct(r['pred_transition_share'])} | {r['switches']} |")
    if pred:
        print(f"| mean (geometric) | | {statistics.geometric_mean(pred):.2f}x |"
              f" {statistics.geometric_mean(sim):.2f}x | | | | |")
        print(f"| max | | {max(pred):.2f}x | {max(sim):.2f}x | | | | |")
    failed(rs, "policy")
    print()


def beyond_pipelines():
    rs = rows("beyond/pipelines/results.csv")
    if rs is None:
        return
    print("## Beyond both: the default pipeline against the best of cimflow and cmswitch\n")
    print("| model | chip | default sim. cycles | best of the two (sim.) | default speedup (sim.)"
          " | default pred. cycles | best of the two (pred.) | default speedup (pred.) |"
          " default energy (sim. uJ) | best energy (sim. uJ) |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    t = by(rs, "model", "arch", "pipeline")
    sim, pred = [], []
    for (model, arch, pipeline), r in t.items():
        if pipeline != "default":
            continue
        others = [(p, t[(model, arch, p)]) for p in ("cimflow", "cmswitch")
                  if (model, arch, p) in t]
        if not others:
            continue
        bs = min(others, key=lambda o: float(o[1]["sim_cycles"]))
        bp = min(others, key=lambda o: float(o[1]["pred_cycles"]))
        be = min(others, key=lambda o: float(o[1]["sim_energy_uj"]))
        s = ratio(bs[1]["sim_cycles"], r["sim_cycles"])
        p = ratio(bp[1]["pred_cycles"], r["pred_cycles"])
        sim.append(s)
        pred.append(p)
        print(f"| {model} | {arch} | {r['sim_cycles']} | {bs[1]['sim_cycles']} ({bs[0]}) |"
              f" {s:.2f}x | {float(r['pred_cycles']):.0f} |"
              f" {float(bp[1]['pred_cycles']):.0f} ({bp[0]}) | {p:.2f}x |"
              f" {float(r['sim_energy_uj']):.1f} | {float(be[1]['sim_energy_uj']):.1f} ({be[0]}) |")
    if sim:
        print(f"| mean (geometric) | | | | {statistics.geometric_mean(sim):.2f}x | | |"
              f" {statistics.geometric_mean(pred):.2f}x | | |")
    failed(rs, "arch", "pipeline")
    print()


def beyond_objectives():
    rs = rows("beyond/objectives/results.csv")
    if rs is None:
        return
    print("## Beyond both: energy and EDP objectives against latency (default pipeline, cimflow)\n")
    print("| model | objective | sim. cycles | sim. energy (uJ) | sim. EDP vs latency objective |"
          " pred. cycles | pred. energy (uJ) | pred. EDP vs latency objective |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    t = by(rs, "model", "objective")
    for (model, objective), r in t.items():
        base = t.get((model, "latency"))
        if not base:
            continue
        se = ratio(float(r["sim_cycles"]) * float(r["sim_energy_uj"]),
                   float(base["sim_cycles"]) * float(base["sim_energy_uj"]))
        pe = ratio(float(r["pred_cycles"]) * float(r["pred_energy_uj"]),
                   float(base["pred_cycles"]) * float(base["pred_energy_uj"]))
        print(f"| {model} | {objective} | {r['sim_cycles']} | {float(r['sim_energy_uj']):.1f} |"
              f" {se:.3f} | {float(r['pred_cycles']):.0f} | {float(r['pred_energy_uj']):.1f} |"
              f" {pe:.3f} |")
    failed(rs, "objective")
    print()


def failed(rs, *keys):
    bad = [r for r in rs if r["status"] != "ok"]
    if bad:
        print(f"\n{len(bad)} points failed: " + "; ".join(
            f"{r['model']} " + " ".join(r[k] for k in keys) + f": {r['reason']}" for r in bad))


TABLES = [cimflow_strategies, cimflow_design_space, cmswitch_modes, beyond_pipelines,
          beyond_objectives]


def update_readme():
    path = os.path.join(HERE, "README.md")
    with open(path) as f:
        text = f.read()
    for table in TABLES:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            table()
        body = out.getvalue().split("\n", 2)[2].strip()  # without the heading
        name = table.__name__
        pattern = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
        if not pattern.search(text):
            sys.exit(f"README.md has no table {name}")
        text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    if sys.argv[1:] == ["--update-readme"]:
        update_readme()
    else:
        for table in TABLES:
            table()
