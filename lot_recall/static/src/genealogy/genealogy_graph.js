/** @odoo-module **/
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, markRaw, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { useService } from "@web/core/utils/hooks";

// From this many nodes on, the canvas hides the edges while the user pans or zooms and does
// not draw labels too small to read: a 500-node graph stays fluid.
const LARGE_GRAPH = 300;
const QUARANTINE_COLOR = "#ffb300";

/**
 * The genealogy graph of a recall or a lot: supplier receipts → recalled lots → manufacturing
 * orders → derived lots → deliveries → customers, laid out left to right by dagre and drawn
 * on a canvas by Cytoscape.js (lot_recall/static/lib, loaded with the bundle
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
        const elements = [
            ...nodes.map((node) => ({
                group: "nodes",
                data: {
                    id: node.id,
                    label: node.sublabel ? `${node.label}\n${node.sublabel}` : node.label,
                    color: colors[node.kind],
                    record: node,
                },
                classes: node.quarantined ? [node.kind, "quarantined"] : [node.kind],
            })),
            ...edges.map((edge) => ({
                group: "edges",
                data: {
                    id: edge.id,
                    source: edge.source,
                    target: edge.target,
                    label: edge.label,
                },
                classes: edge.lineage ? [] : ["other_input"],
            })),
        ];
        const layoutStart = performance.now();
        this.cy = window.cytoscape({
            container: this.canvas.el,
            elements,
            style: this.style(large),
            layout: { name: "dagre", rankDir: "LR", nodeSep: 8, rankSep: 90, edgeSep: 6, padding: 12 },
            minZoom: 0.05,
            maxZoom: 3,
            boxSelectionEnabled: false,
            autoungrabify: true,
            textureOnViewport: large,
            hideEdgesOnViewport: large,
        });
        this.cy.on("tap", "node", (ev) => this.openNode(ev.target.data("record")));
        this.cy.on("mouseover", "node", () => (this.canvas.el.style.cursor = "pointer"));
        this.cy.on("mouseout", "node", () => (this.canvas.el.style.cursor = ""));
        this.cy.one("render", () => this.onFirstDraw(layoutStart));
    }

    /** Marks the graph drawn (``data-drawn``, for tours) and logs the time to first draw. */
    onFirstDraw(layoutStart) {
        const now = performance.now();
        const total = Math.round(now - this.started);
        const root = this.root.el;
        root.dataset.drawn = "1";
        root.dataset.nodeCount = String(this.graph.nodes.length);
        root.dataset.drawMs = String(total);
        console.log(
            `lot_recall genealogy: ${this.graph.nodes.length} nodes, ${this.graph.edges.length} ` +
                `edges, first draw in ${total} ms (data and library ` +
                `${Math.round(this.loaded - this.started)} ms, layout and render ` +
                `${Math.round(now - layoutStart)} ms)`
        );
    }

    style(large) {
        return [
            {
                selector: "node",
                style: {
                    shape: "round-rectangle",
                    width: 170,
                    height: 36,
                    "background-color": "data(color)",
                    label: "data(label)",
                    color: "#ffffff",
                    "font-size": 10,
                    "text-wrap": "wrap",
                    "text-max-width": 160,
                    "text-valign": "center",
                    "text-halign": "center",
                    "min-zoomed-font-size": large ? 7 : 0,
                },
            },
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
                    label: "data(label)",
                    "font-size": 8,
                    color: "#37474f",
                    "text-background-color": "#ffffff",
                    "text-background-opacity": 0.85,
                    "text-background-padding": 1,
                    "min-zoomed-font-size": large ? 8 : 0,
                },
            },
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
        const matches = this.cy.nodes().filter((node) => node.data("label").toLowerCase().includes(text));
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
