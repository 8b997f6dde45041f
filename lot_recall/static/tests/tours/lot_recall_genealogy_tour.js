/** @odoo-module **/
import { registry } from "@web/core/registry";

const DRAWN = ".o_lot_recall_genealogy[data-drawn='1']";

/**
 * Clicks the node labelled ``label`` of the drawn graph as a user does: a mouse press and
 * release at its place on the canvas. Its place is asked to Cytoscape.js, whose instance the
 * library keeps on its container.
 */
function clickNode(label) {
    const container = document.querySelector(".o_lot_recall_genealogy_canvas");
    container.scrollIntoView();
    const cy = container._cyreg.cy;
    const node = cy.nodes().filter((ele) => ele.data("record").label === label)[0];
    if (!node) {
        throw new Error(`No node ${label} in the genealogy graph`);
    }
    cy.center(node);
    const box = container.getBoundingClientRect();
    const position = node.renderedPosition();
    const init = {
        bubbles: true,
        cancelable: true,
        clientX: box.left + position.x,
        clientY: box.top + position.y,
        button: 0,
    };
    const target = document.elementFromPoint(init.clientX, init.clientY);
    target.dispatchEvent(new MouseEvent("mousedown", { ...init, buttons: 1 }));
    target.dispatchEvent(new MouseEvent("mouseup", { ...init, buttons: 0 }));
}

// A recall's Genealogy tab: the graph is drawn, a click on a customer opens the customer.
registry.category("web_tour.tours").add("lot_recall_genealogy_tour", {
    steps: () => [
        {
            content: "Open the Genealogy tab of the recall",
            trigger: ".o_notebook a:contains('Genealogy')",
            run: "click",
        },
        {
            content: "The legend counts the kinds of nodes",
            trigger: ".o_lot_recall_genealogy_kind[data-kind='customer']:contains('Customer (2)')",
        },
        {
            content: "The graph is drawn; click the first customer",
            trigger: DRAWN,
            run: () => clickNode("Tour Customer One"),
        },
        {
            content: "The customer's form opens",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour Customer One')",
        },
        {
            content: "Back to the recall",
            trigger: ".o_breadcrumb .breadcrumb-item a:contains('RCL/')",
            run: "click",
        },
        {
            trigger: ".o_notebook a:contains('Genealogy')",
            run: "click",
        },
        {
            trigger: `${DRAWN} .o_lot_recall_genealogy_expand`,
            run: "click",
        },
        {
            content: "The recall's graph full screen",
            trigger: `.o_lot_recall_genealogy_action ${DRAWN}[data-node-count='6']`,
        },
    ],
});

// A lot's Genealogy button: the graph full screen, a click on a customer opens it.
registry.category("web_tour.tours").add("lot_recall_genealogy_lot_tour", {
    steps: () => [
        {
            trigger: ".o_form_view button:contains('Genealogy')",
            run: "click",
        },
        {
            content: "The graph is drawn full screen; click the second customer",
            trigger: `.o_lot_recall_genealogy_action ${DRAWN}`,
            run: () => clickNode("Tour Customer Two"),
        },
        {
            content: "The customer's form opens",
            trigger: ".o_form_view .o_breadcrumb:contains('Tour Customer Two')",
        },
    ],
});

// The 500-node graph of a wide recall: time to first draw, written to the log (see
// benchmarks/README.md), never asserted.
registry.category("web_tour.tours").add("lot_recall_genealogy_500_tour", {
    steps: () => [
        {
            trigger: ".o_notebook a:contains('Genealogy')",
            run: "click",
        },
        {
            content: "The whole graph is drawn",
            trigger: DRAWN,
            timeout: 60000,
            run: () => {
                const root = document.querySelector(DRAWN);
                const count = Number(root.dataset.nodeCount);
                if (count < 500) {
                    throw new Error(`Only ${count} nodes drawn`);
                }
                console.log(
                    `lot_recall genealogy benchmark: ${count} nodes, first draw in ` +
                        `${root.dataset.drawMs} ms after the tab was opened`
                );
            },
        },
        {
            content: "A click on a lot still opens it",
            trigger: DRAWN,
            run: () => clickNode("WIDE-00"),
        },
        {
            trigger: ".o_form_view .o_breadcrumb:contains('WIDE-00')",
        },
    ],
});
