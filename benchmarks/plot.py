# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Draw benchmarks/results/time_vs_size.png from the results/<size>.json present."""

import json
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, "results")
METHODS = {
    "ours": "lot_recall trace (1 SQL statement)",
    "odoo_find": "Odoo _find_delivery_ids_by_lot, addon index",
    "odoo_find_no_index": "Odoo _find_delivery_ids_by_lot, stock Odoo (no lot index)",
    "odoo_report": "Odoo traceability report, downstream (addon index)",
}
PANELS = ("1 lot", "100 lots", "hot lot")


def load():
    results = []
    for size in ("s", "m", "l"):
        path = os.path.join(RESULTS, f"{size}.json")
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                results.append(json.load(handle))
    return results


def main():
    results = load()
    if not results:
        raise SystemExit("no results/<size>.json yet")
    fig, axes = plt.subplots(1, len(PANELS), figsize=(5 * len(PANELS), 4.6), sharey=True)
    for ax, panel in zip(axes, PANELS, strict=True):
        for method, label in METHODS.items():
            xs, ys = [], []
            for result in results:
                entry = result["timings"].get(method, {}).get(panel)
                if entry and entry.get("median_ms") is not None:
                    xs.append(result["dataset"]["done_move_lines"])
                    ys.append(entry["median_ms"])
            if xs:
                ax.plot(xs, ys, marker="o", label=label)
        answer = results[-1]["answers"].get(panel, {})
        ax.set_title(f"{panel} ({answer.get('deliveries', '?')} deliveries at the largest size)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("done move lines with a lot")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("median time (ms), log scale")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.suptitle("Downstream lot trace: time vs database size (median of up to 5 runs)")
    fig.tight_layout()
    out = os.path.join(RESULTS, "time_vs_size.png")
    fig.savefig(out, dpi=110)
    print(f"written {out}")


if __name__ == "__main__":
    main()
