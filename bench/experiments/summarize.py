#!/usr/bin/env python3
"""Tables of the experiments' committed results (the CSVs cim-explore wrote), as in README.md.

    python3 bench/experiments/summarize.py
"""
import csv
import os
import statistics

HERE = os.path.dirname(os.path.abspath(__file__))


def rows(path):
    full = os.path.join(HERE, path)
    if not os.path.exists(full):
        return None
    with open(full, newline="") as f:
        return list(csv.DictReader(f))


def by(rs, *keys):
    return {tuple(r[k] for k in keys): r for r in rs if r["status"] == "ok"}


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
    failed = [r for r in rs if r["status"] != "ok"]
    if failed:
        print(f"\n{len(failed)} points failed: " + "; ".join(
            f"{r['model']} T={r['T']} B={r['B']} {r['strategy']}: {r['reason']}" for r in failed))
    print()


def cmswitch_modes():
    rs = rows("cmswitch/modes/results.csv")
    if rs is None:
        return
    print("## CMSwitch: mip against all-compute (preset dynaplasia)\n")
    print("| model | mip pred. cycles | speedup (pred.) | speedup (sim.) |"
          " mode-switch share (pred.) | memory-mode switches |")
    print("| --- | --- | --- | --- | --- | --- |")
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
              f"{100 * float(r['pred_switch_share']):.1f} % | {r['switches']} |")
    if pred:
        print(f"| mean (geometric) | | {statistics.geometric_mean(pred):.2f}x |"
              f" {statistics.geometric_mean(sim):.2f}x | | |")
        print(f"| max | | {max(pred):.2f}x | {max(sim):.2f}x | | |")
    failed = [r for r in rs if r["status"] != "ok"]
    if failed:
        print(f"\n{len(failed)} points failed: " + "; ".join(
            f"{r['model']} {r['policy']}: {r['reason']}" for r in failed))
    print()


if __name__ == "__main__":
    cimflow_strategies()
    cimflow_design_space()
    cmswitch_modes()
