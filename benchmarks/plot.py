# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Draw benchmarks/results/time_vs_size.png and time_vs_answer.png and write
results/summary.md (the tables of benchmarks/README.md) from the results/<size>.json present."""

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


def _ms(entry):
    if not entry:
        return "-"
    if entry.get("median_ms") is None:
        return entry.get("timeout", "-")
    value = entry["median_ms"]
    text = f"{value:,.1f}" if value < 100 else f"{value:,.0f}"
    return text if entry["runs"] >= 5 else f"{text} (n={entry['runs']})"


def _ratio(slow, fast):
    if not slow or not fast or slow.get("median_ms") is None or not fast.get("median_ms"):
        return "-"
    return f"{slow['median_ms'] / fast['median_ms']:,.1f}x"


def summary(results):  # noqa: C901, PLR0912 (one table after the other)
    """Markdown tables: timings per size and lot set, ratios, answers, index costs, notices."""
    out = ["## Median time (ms) per method, lot set and size", ""]
    labels = ["1 lot", "10 lots", "100 lots", "1000 lots", "hot lot"]
    out.append("| size | done lines | method | " + " | ".join(labels) + " |")
    out.append("|---|---:|---|" + "---:|" * len(labels))
    for result in results:
        for method in ("ours", "ours_no_index", *list(METHODS)[1:]):
            row = result["timings"].get(method)
            if not row:
                continue
            cells = [_ms(row.get(label)) for label in labels]
            lines = f"{result['dataset']['done_move_lines']:,}"
            out.append(f"| {result['size']} | {lines} | {method} | " + " | ".join(cells) + " |")
    out += ["", "## Ratios (Odoo's time / ours, medians of the same run)", ""]
    out.append("| size | lot set | vs odoo_find (addon index) | vs stock Odoo (no lot index)"
               " | vs traceability report |")  # fmt: skip
    out.append("|---|---|---:|---:|---:|")
    for result in results:
        timings = result["timings"]
        for label in ("1 lot", "100 lots", "hot lot"):
            ours = timings.get("ours", {}).get(label)
            cells = [
                _ratio(timings.get(method, {}).get(label), ours)
                for method in ("odoo_find", "odoo_find_no_index", "odoo_report")
            ]
            out.append(f"| {result['size']} | {label} | " + " | ".join(cells) + " |")
    out += ["", "## Answer size (our trace)", ""]
    out.append("| size | lot set | affected lots | deliveries | customers | quantity delivered"
               " | quantity returned |")  # fmt: skip
    out.append("|---|---|---:|---:|---:|---:|---:|")
    for result in results:
        for label, answer in result.get("answers", {}).items():
            out.append(
                f"| {result['size']} | {label} | {answer['lots']} | {answer['deliveries']} | "
                f"{answer['customers']} | {answer['quantity']:,} | "
                f"{answer['returned_quantity']:,} |"
            )
    out += ["", "## Same customer deliveries? (picking ids)", ""]
    out.append("| size | lot set | ours | odoo_find | only in ours | only in odoo_find"
               " | report | only in report |")  # fmt: skip
    out.append("|---|---|---:|---:|---|---|---:|---|")
    for result in results:
        for label, cmp in result.get("comparison", {}).items():

            def kinds(diff):
                return ", ".join(f"{v['count']} {k}" for k, v in diff.items()) or "none"

            report = cmp.get("odoo_report", "-")
            only_report = kinds(cmp["only_report"]) if "only_report" in cmp else "-"
            out.append(
                f"| {result['size']} | {label} | {cmp['ours']} | {cmp['odoo_find']} | "
                f"{kinds(cmp['only_ours'])} | {kinds(cmp['only_odoo_find'])} | {report} | "
                f"{only_report} |"
            )
    out += ["", "## The addon's index", ""]
    out.append("| size | rows | index size | table size | build | lines inserted | insert with /"
               " without index | overhead per line |")  # fmt: skip
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        idx = result.get("index")
        if not idx:
            continue
        out.append(
            f"| {result['size']} | {idx['table_rows']:,} | {idx['size_bytes'] / 2**20:.1f} MiB | "
            f"{idx['table_bytes'] / 2**20:.1f} MiB | {idx['build_ms']:,.0f} ms | "
            f"{idx['insert_lines']:,} | "
            f"{idx['insert_ms_with_index']:,.0f} / {idx['insert_ms_without_index']:,.0f} ms | "
            f"{idx['insert_overhead_us_per_line']} us |"
        )
    out += ["", "## Peak memory of a fresh Odoo process during one call (KiB)", ""]
    out.append("| size | call | RSS before | RSS after | peak (VmHWM) after | peak growth |")
    out.append("|---|---|---:|---:|---:|---:|")
    for result in results:
        for call, rss in result.get("rss", {}).items():
            out.append(
                f"| {result['size']} | {call} | {rss['rss_before_kib']:,} | "
                f"{rss['rss_after_kib']:,} | {rss['hwm_after_kib']:,} | "
                f"{rss['peak_growth_kib']:,} |"
            )
    notices = [r for r in results if r.get("notices")]
    if notices:
        out += ["", "## Notices", ""]
        out.append(
            "| size | customers | deliveries | action_trace | action_send_notices (queue)"
            " | mails sent (sample) | send time | mails/s | whole queue, extrapolated |"
        )
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for result in notices:
            n = result["notices"]
            out.append(
                f"| {result['size']} | {n['customers']} | {n['deliveries']} | "
                f"{n['action_trace_s']} s | {n['action_send_notices_s']} s | "
                f"{n['sample_mails']} ({n['smtp_sink_received']} received) | "
                f"{n['sample_send_s']} s | {n['mails_per_second']} | "
                f"{n['extrapolated_queue_s']:,.0f} s |"
            )
    return "\n".join(out) + "\n"


def main():
    results = load()
    if not results:
        raise SystemExit("no results/<size>.json yet")
    with open(os.path.join(RESULTS, "summary.md"), "w", encoding="utf-8") as handle:
        handle.write(summary(results))
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
        answer = results[-1].get("answers", {}).get(panel, {})
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
    print(f"written {plot_answer_size(results)}")


def plot_answer_size(results):
    """Time of our trace and of Odoo's method vs the number of deliveries found."""
    fig, ax = plt.subplots(figsize=(7, 4.6))
    for result in results:
        for method, style in (("ours", "-o"), ("odoo_find", "--s")):
            points = sorted(
                (result["answers"][label]["deliveries"], entry["median_ms"])
                for label, entry in result["timings"].get(method, {}).items()
                if label in result.get("answers", {}) and entry.get("median_ms") is not None
            )
            if points:
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, style, label=f"{METHODS[method].split(',')[0]} - {result['size']}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("customer deliveries in the answer (1 lot, 10, 100, 1000 lots, hot lot)")
    ax.set_ylabel("median time (ms), log scale")
    ax.set_title("Time vs answer size, per database size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    out = os.path.join(RESULTS, "time_vs_answer.png")
    fig.savefig(out, dpi=110)
    return out


if __name__ == "__main__":
    main()
