# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small layered layout of the genealogy graph (``lot.genealogy._graph``), the one of the
recall report's SVG and of large graphs on screen.

One column per node column (suppliers | recalled lots | manufacturing | derived lots |
deliveries | customers); nodes ordered in their column by the barycentre of their neighbours
(a few sweeps both ways, as layered layouts do), then placed as near their neighbours' height
as their column allows. A few passes over the edges and sorts of the columns: milliseconds
for thousands of nodes.
"""

from collections import defaultdict

NODE_WIDTH = 170
NODE_HEIGHT = 30
ROW_GAP = 8
COLUMN_GAP = 90
SWEEPS = 4


def _mean(values):
    return sum(values) / len(values) if values else None


def layout(graph):
    """Place the nodes of ``graph``: each node gets ``x`` and ``y``, its top left corner in
    pixels (the drawing starts at 0, 0); returns the drawing's width and height."""
    columns = defaultdict(list)
    for node in graph["nodes"]:
        columns[node["column"]].append(node["id"])
    order = [columns[column] for column in sorted(columns)]
    index_of = {node_id: index for index, ids in enumerate(order) for node_id in ids}
    preds, succs = defaultdict(list), defaultdict(list)
    for edge in graph["edges"]:
        preds[edge["target"]].append(edge["source"])
        succs[edge["source"]].append(edge["target"])

    def sweep(ids, neighbours, rank):
        keyed = []
        for position, node_id in enumerate(ids):
            centre = _mean([rank[other] for other in neighbours[node_id] if other in rank])
            keyed.append((position if centre is None else centre, position, node_id))
        return [node_id for _centre, _position, node_id in sorted(keyed)]

    for _sweep in range(SWEEPS):
        for indexes, neighbours in (
            (range(1, len(order)), preds),
            (range(len(order) - 2, -1, -1), succs),
        ):
            for index in indexes:
                rank = {
                    node_id: position
                    for other in (index - 1, index + 1)
                    if 0 <= other < len(order)
                    for position, node_id in enumerate(order[other])
                }
                order[index] = sweep(order[index], neighbours, rank)

    pitch = NODE_HEIGHT + ROW_GAP
    y = {}
    widest = max(range(len(order)), key=lambda index: len(order[index]), default=0)
    for position, node_id in enumerate(order[widest] if order else []):
        y[node_id] = position * pitch
    # Outwards from the fullest column: each node as near the mean height of its placed
    # neighbours as the order of its column allows, the column then moved as a block to
    # halve the distance it was pushed.
    for index in [*range(widest + 1, len(order)), *range(widest - 1, -1, -1)]:
        neighbours = preds if index > widest else succs
        wanted = [
            _mean([y[other] for other in neighbours[node_id] if other in y])
            for node_id in order[index]
        ]
        placed, previous = [], None
        for want in wanted:
            top = want if want is not None else (previous + pitch if previous is not None else 0)
            if previous is not None:
                top = max(top, previous + pitch)
            placed.append(top)
            previous = top
        pushed = [top - want for top, want in zip(placed, wanted, strict=True) if want is not None]
        shift = (_mean(pushed) or 0) / 2
        for node_id, top in zip(order[index], placed, strict=True):
            y[node_id] = top - shift
    top = min(y.values(), default=0)
    for node in graph["nodes"]:
        node["x"] = index_of[node["id"]] * (NODE_WIDTH + COLUMN_GAP)
        node["y"] = round(y[node["id"]] - top, 1)
    width = len(order) * NODE_WIDTH + max(len(order) - 1, 0) * COLUMN_GAP
    height = max((node["y"] for node in graph["nodes"]), default=0) + NODE_HEIGHT
    return width, height
