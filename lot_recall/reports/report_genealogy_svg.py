# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The genealogy graph as a static SVG image, for the recall report PDF (no browser: wkhtmltopdf
renders inline SVG): the nodes where ``lot.genealogy._graph`` placed them
(``tools/genealogy_layout.py``), edges as curves from column to column with their quantity.
"""

from collections import defaultdict

from markupsafe import Markup

from ..tools.genealogy_layout import NODE_HEIGHT, NODE_WIDTH

MARGIN = 10
LEGEND_HEIGHT = 26
# Characters that fit a node's width at the label's and the sublabel's font size (DejaVu Sans:
# about 0.6 em per character).
LABEL_CHARS = 26
SUBLABEL_CHARS = 32
QUARANTINE_COLOR = "#ffb300"


def _clip(text, size):
    text = str(text or "")
    return text if len(text) <= size else text[: size - 1] + "…"


def _bezier(t, p0, p1, p2, p3):
    """A coordinate of the point at ``t`` of a cubic Bézier curve."""
    u = 1 - t
    return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3


def render_svg(graph, max_width=1000, labels=None):
    """The graph as one inline ``<svg>`` element (Markup), ``max_width`` pixels wide at most.

    :param labels: ``{"quarantined": …, "other_input": …}``, the legend's words for the
        quarantined lots' outline and the dashed edges (receipts of other inputs)
    """
    labels = labels or {}
    nodes = graph["nodes"]
    positions = {
        node["id"]: (MARGIN + node["x"], MARGIN + LEGEND_HEIGHT + node["y"]) for node in nodes
    }
    width = max(600, 2 * MARGIN + max((node["x"] for node in nodes), default=0) + NODE_WIDTH)
    height = 2 * MARGIN + LEGEND_HEIGHT + max((node["y"] for node in nodes), default=0)
    height += NODE_HEIGHT
    scale = min(1.0, max_width / width)
    colors = {kind["kind"]: kind["color"] for kind in graph["kinds"]}
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="o_lot_recall_genealogy_svg"'
            ' width="%d" height="%d" viewBox="0 0 %d %d"'
            " style=\"font-family: 'DejaVu Sans', sans-serif;\">"
            '<defs><marker id="lr_arrow" markerWidth="8" markerHeight="8" refX="8"'
            ' refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#78909c"/></marker>'
            "</defs>"
        )
        % (round(width * scale), round(height * scale), width, height)
    ]
    legend = [(kind["color"], "", f"{kind['label']} ({kind['count']})") for kind in graph["kinds"]]
    if any(node["quarantined"] for node in graph["nodes"]) and labels.get("quarantined"):
        legend.append(("#ffffff", QUARANTINE_COLOR, labels["quarantined"]))
    if not all(edge["lineage"] for edge in graph["edges"]) and labels.get("other_input"):
        legend.append(("", "#78909c", labels["other_input"]))
    x = MARGIN
    for fill, stroke, text in legend:
        if fill:
            parts.append(
                Markup(
                    '<rect x="%d" y="%d" width="14" height="12" rx="2" fill="%s"'
                    ' stroke="%s" stroke-width="2"%s/>'
                )
                % (
                    x,
                    MARGIN,
                    fill,
                    stroke or fill,
                    Markup(' stroke-dasharray="4 2"') if stroke else "",
                )
            )
        else:
            parts.append(
                Markup(
                    '<path d="M%d %d h14" stroke="%s" stroke-width="1.5" stroke-dasharray="4 2"/>'
                )
                % (x, MARGIN + 6, stroke)
            )
        parts.append(
            Markup('<text x="%d" y="%d" font-size="10">%s</text>') % (x + 18, MARGIN + 10, text)
        )
        x += 18 + 6 * len(text) + 16
    labels_on_top = []
    out_degree, in_degree = defaultdict(int), defaultdict(int)
    for edge in graph["edges"]:
        out_degree[edge["source"]] += 1
        in_degree[edge["target"]] += 1
    for edge in graph["edges"]:
        (x1, y1), (x2, y2) = positions[edge["source"]], positions[edge["target"]]
        x1, y1, y2 = x1 + NODE_WIDTH, y1 + NODE_HEIGHT / 2, y2 + NODE_HEIGHT / 2
        bend = max(abs(x2 - x1) / 2, 40)
        # The quantity near the end where the edges fan out, where they are apart.
        t = 0.75 if out_degree[edge["source"]] > in_degree[edge["target"]] else 0.25
        parts.append(
            Markup(
                '<path class="o_edge" d="M%.1f %.1f C%.1f %.1f, %.1f %.1f, %.1f %.1f"'
                ' fill="none" stroke="#78909c" stroke-width="1"%s marker-end="url(#lr_arrow)"/>'
            )
            % (
                x1,
                y1,
                x1 + bend,
                y1,
                x2 - bend,
                y2,
                x2,
                y2,
                Markup("") if edge["lineage"] else Markup(' stroke-dasharray="4 2"'),
            )
        )
        if edge["label"]:
            text = _clip(edge["label"], 30)
            lx, ly = _bezier(t, x1, x1 + bend, x2 - bend, x2), _bezier(t, y1, y1, y2, y2)
            # Drawn over the nodes, on white: an edge may pass behind a node of a column it
            # crosses.
            labels_on_top.append(
                Markup(
                    '<rect x="%.1f" y="%.1f" width="%.1f" height="10" fill="#ffffff"'
                    ' fill-opacity="0.85"/>'
                    '<text x="%.1f" y="%.1f" font-size="8" text-anchor="middle">%s</text>'
                )
                % (lx - 2.4 * len(text) - 2, ly - 8, 4.8 * len(text) + 4, lx, ly, text)
            )
    for node in graph["nodes"]:
        x, y = positions[node["id"]]
        outline = (
            Markup(' stroke="%s" stroke-width="3" stroke-dasharray="5 2"') % QUARANTINE_COLOR
            if node["quarantined"]
            else Markup("")
        )
        parts.append(
            Markup(
                '<g class="o_node" data-kind="%s"><rect x="%d" y="%d" width="%d" height="%d"'
                ' rx="4" fill="%s"%s/>'
                '<text x="%d" y="%d" font-size="10" font-weight="bold" fill="#ffffff">%s</text>'
                '<text x="%d" y="%d" font-size="8" fill="#ffffff">%s</text></g>'
            )
            % (
                node["kind"],
                x,
                y,
                NODE_WIDTH,
                NODE_HEIGHT,
                colors[node["kind"]],
                outline,
                x + 6,
                y + 13,
                _clip(node["label"], LABEL_CHARS),
                x + 6,
                y + 25,
                _clip(node["sublabel"], SUBLABEL_CHARS),
            )
        )
    parts.extend(labels_on_top)
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)
