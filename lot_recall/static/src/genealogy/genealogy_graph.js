/** @odoo-module **/
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, markRaw, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

// From this many nodes on, the nodes are where the server's layered layout placed them (the
// recall report's, tools/genealogy_layout.py) instead of dagre's (whose crossing reduction
// took 0.5-1 s of the first draw at 500 nodes); the labels, too small to read in the first
// view of the whole graph, are given just after it is drawn (measuring them was half of the
// rest); the canvas hides the edges while the user pans or zooms and draws no label too
// small to read: a 500-node graph stays fluid.
const LARGE_GRAPH = 300;
// The node size of the server's layout.
const NODE_WIDTH = 170;
const NODE_HEIGHT = 30;
const QUARANTINE_COLOR = "#ffb300";
// Characters of a label and of its second line that fit a node: clipped here, Cytoscape.js
// measures no word to wrap (the measuring cost most of the first draw of a large graph).
const LABEL_CHARS = 26;
const SUBLABEL_CHARS = 30;

function clip(text, size) {
    return text.length <= size ? text : `${text.slice(0, size - 1)}…`;
}

/**
 * The genealogy graph of a recall or a lot: supplier receipts → recalled lots → manufacturing
 * orders → derived lots → deliveries → customers, laid out left to right by dagre (large
 * graphs: by the server's layered layout) and drawn on a canvas by Cytoscape.js (lot_recall/static/lib, loaded with the bundle
 * lot_recall.genealogy_lib the first time a graph is shown). The nodes and edges come from
 * ``get_genealogy_graph`` of the record (lot.recall or stock.lot). Clicking a node opens its
 * record.
 */
export class GenealogyGraph extends Component {
    static template = "lot_recall.GenealogyGraph";
    static props = {
        resModel: String,
        resId: Number,
        expandable: { type: Boolean, optional: true },
    };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.root = useRef("root");
        this.canvas = useRef("canvas");
        this.state = useState({ graph: null });
        this.started = performance.now();
        onWillStart(async () => {
            const [graph] = await Promise.all([
                this.orm.call(this.props.resModel, "get_genealogy_graph", [[this.props.resId]]),
                loadBundle("lot_recall.genealogy_lib"),
            ]);
            // The extension registers itself when it runs after Cytoscape.js, as in the
            // bundle; files loaded one by one (debug=assets) may run in another order.
            if (!window.cytoscape("layout", "dagre")) {
                window.cytoscape.use(window.cytoscapeDagre);
            }
            this.loaded = performance.now();
            this.state.graph = markRaw(graph);
        });
        onMounted(() => this.draw());
        onWillUnmount(() => this.cy?.destroy());
    }

    get graph() {
        return this.state.graph;
    }

    get hasQuarantined() {
        return this.graph.nodes.some((node) => node.quarantined);
    }

    get hasOtherInputs() {
        return this.graph.edges.some((edge) => !edge.lineage);
    }

    draw() {
        const { nodes, edges, kinds } = this.graph;
        if (!nodes.length) {
            return;
        }
        const large = nodes.length >= LARGE_GRAPH;
        const colors = Object.fromEntries(kinds.map((kind) => [kind.kind, kind.color]));
        const labelled = large ? [] : ["o_labelled"];
        const elements = [
            ...nodes.map((node) => ({
                group: "nodes",
                data: {
                    id: node.id,
                    label: node.sublabel
                        ? `${clip(node.label, LABEL_CHARS)}\n${clip(node.sublabel, SUBLABEL_CHARS)}`
                        : clip(node.label, LABEL_CHARS),
                    color: colors[node.kind],
                    record: node,
                },
                position: { x: node.x + NODE_WIDTH / 2, y: node.y + NODE_HEIGHT / 2 },
                classes: [node.kind, ...(node.quarantined ? ["quarantined"] : []), ...labelled],
            })),
            ...edges.map((edge) => ({
                group: "edges",
                data: {
                    id: edge.id,
                    source: edge.source,
                    target: edge.target,
                    label: edge.label,
                },
                classes: [...(edge.lineage ? [] : ["other_input"]), ...labelled],
            })),
        ];
        const layoutStart = performance.now();
        this.cy = window.cytoscape({
            container: this.canvas.el,
            elements,
            style: this.style(large),
            layout: large
                ? { name: "preset", padding: 12 }
                : { name: "dagre", rankDir: "LR", nodeSep: 8, rankSep: 90, edgeSep: 6, padding: 12 },
            minZoom: 0.05,
            maxZoom: 3,
            boxSelectionEnabled: false,
            autoungrabify: true,
            textureOnViewport: large,
            hideEdgesOnViewport: large,
            pixelRatio: large ? 1 : "auto",
        });
        // A small graph fitted to the canvas would be blown up: at most its natural size.
        if (this.cy.zoom() > 1) {
            this.cy.zoom(1);
            this.cy.center();
        }
        const laidOut = performance.now();
        this.cy.on("tap", "node", (ev) => this.openNode(ev.target.data("record")));
        this.cy.on("mouseover", "node", () => (this.canvas.el.style.cursor = "pointer"));
        this.cy.on("mouseout", "node", () => (this.canvas.el.style.cursor = ""));
        this.cy.one("render", () => {
            this.onFirstDraw(layoutStart, laidOut);
            if (large) {
                setTimeout(() => this.cy.destroyed() || this.cy.elements().addClass("o_labelled"));
            }
        });
    }

    /** Marks the graph drawn (``data-drawn``, for tours) and logs the time to first draw. */
    onFirstDraw(layoutStart, laidOut) {
        const now = performance.now();
        const total = Math.round(now - this.started);
        const root = this.root.el;
        root.dataset.drawn = "1";
        root.dataset.nodeCount = String(this.graph.nodes.length);
        root.dataset.drawMs = String(total);
        const { nodes, edges } = this.graph;
        console.log(
            `lot_recall genealogy: ${nodes.length} nodes, ${edges.length} edges, first draw in ` +
                `${total} ms (data and library ${Math.round(this.loaded - this.started)} ms, ` +
                `styles and layout ${Math.round(laidOut - layoutStart)} ms, ` +
                `render ${Math.round(now - laidOut)} ms)`
        );
    }

    style(large) {
        return [
            {
                selector: "node",
                style: {
                    shape: "round-rectangle",
                    width: NODE_WIDTH,
                    height: NODE_HEIGHT,
                    "background-color": "data(color)",
                    color: "#ffffff",
                    "font-size": 9,
                    "text-wrap": "wrap",
                    "text-valign": "center",
                    "text-halign": "center",
                    "min-zoomed-font-size": large ? 7 : 0,
                },
            },
            { selector: "node.o_labelled", style: { label: "data(label)" } },
            {
                selector: "node.quarantined",
                style: {
                    "border-width": 4,
                    "border-style": "dashed",
                    "border-color": QUARANTINE_COLOR,
                },
            },
            {
                selector: "node.o_match",
                style: { "overlay-color": "#fdd835", "overlay-opacity": 0.45, "overlay-padding": 6 },
            },
            {
                selector: "edge",
                style: {
                    width: 1.2,
                    "curve-style": "bezier",
                    "line-color": "#90a4ae",
                    "target-arrow-color": "#90a4ae",
                    "target-arrow-shape": "triangle",
                    "font-size": 8,
                    color: "#37474f",
                    "text-background-color": "#ffffff",
                    "text-background-opacity": 0.85,
                    "text-background-padding": 1,
                    "min-zoomed-font-size": large ? 8 : 0,
                },
            },
            { selector: "edge.o_labelled", style: { label: "data(label)" } },
            { selector: "edge.other_input", style: { "line-style": "dashed" } },
        ];
    }

    openNode(node) {
        if (node.res_id) {
            return this.action.doAction({
                type: "ir.actions.act_window",
                res_model: node.model,
                res_id: node.res_id,
                views: [[false, "form"]],
                target: "current",
            });
        }
        return this.action.doAction({
            type: "ir.actions.act_window",
            name: node.label,
            res_model: node.model,
            domain: [["id", "in", node.res_ids]],
            views: [
                [false, "list"],
                [false, "form"],
            ],
            target: "current",
        });
    }

    onSearch(ev) {
        const text = ev.target.value.trim().toLowerCase();
        this.cy.nodes().removeClass("o_match");
        if (!text) {
            this.cy.fit(undefined, 12);
            return;
        }
        const matches = this.cy.nodes().filter((node) => {
            const { label, sublabel } = node.data("record");
            return `${label} ${sublabel}`.toLowerCase().includes(text);
        });
        matches.addClass("o_match");
        if (matches.length) {
            this.cy.fit(matches, 80);
        }
    }

    fit() {
        this.cy?.fit(undefined, 12);
    }

    expand() {
        return this.action.doAction(
            this.props.resModel === "lot.recall"
                ? "lot_recall.action_recall_genealogy"
                : "lot_recall.action_lot_genealogy",
            { additionalContext: { active_id: this.props.resId } }
        );
    }

    get searchPlaceholder() {
        return _t("Find a lot, order or customer");
    }
}
