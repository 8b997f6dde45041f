/** @odoo-module **/
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

// A Recall Manager opens a lot, recalls it from the wizard, checks the customers reached and
// sends the notices.
registry.category("web_tour.tours").add("lot_recall_from_lot_tour", {
    steps: () => [
        {
            content: "The lot form shows its Recall button",
            trigger: ".o_form_view button[name='action_open_recall_wizard']",
            run: "click",
        },
        {
            content: "The wizard previews the customers reached before anything is created",
            trigger: ".modal .o_field_widget[name='preview_partner_count']:contains('2')",
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Metal fragments found in production",
        },
        {
            trigger: ".modal .o_field_widget[name='classification'] select",
            run: 'select "class_1"',
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The recall opens, traced, with its customers and deliveries",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Traced')",
        },
        {
            trigger: ".o_form_view button[name='action_view_customers'] .o_stat_value:contains('2')",
        },
        {
            trigger: ".o_form_view button[name='action_view_deliveries'] .o_stat_value:contains('2')",
        },
        {
            trigger: ".o_notebook a:contains('Affected Deliveries')",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='line_ids'] .o_data_row:contains('Tour Customer One')",
        },
        {
            trigger: ".o_form_view button[name='action_send_notices']",
            run: "click",
        },
        {
            content: "Confirm sending",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Notified')",
        },
        {
            content: "Export XLSX: the button's action is a download the browser session may fetch",
            trigger: ".o_form_view button[name='action_export_xlsx']",
            run: async () => {
                const recallId = Number(window.location.pathname.match(/(\d+)\/?$/)[1]);
                const action = await rpc("/web/dataset/call_button/lot.recall/action_export_xlsx", {
                    model: "lot.recall",
                    method: "action_export_xlsx",
                    args: [[recallId]],
                    kwargs: {},
                });
                const response = await fetch(action.url);
                const type = response.headers.get("Content-Type") || "";
                const bytes = new Uint8Array(await response.arrayBuffer());
                // An XLSX file is a ZIP archive: it starts with "PK".
                const isXlsx = type.includes("spreadsheetml") && bytes[0] === 0x50 && bytes[1] === 0x4b;
                if (action.target !== "download" || !response.ok || !isXlsx) {
                    throw new Error(`XLSX download failed: ${response.status} ${type}`);
                }
            },
        },
    ],
});

// A customer opens the link of the notice email and acknowledges the recall.
registry.category("web_tour.tours").add("lot_recall_acknowledge_tour", {
    steps: () => [
        {
            content: "Only this customer's deliveries are listed",
            trigger: ".o_lot_recall_notice table:contains('TOUR-LOT-1')",
        },
        {
            trigger: ".o_lot_recall_notice input[name='quantity']",
            run: "edit 3",
        },
        {
            trigger: ".o_lot_recall_notice select[name='action']",
            run: "select destroyed",
        },
        {
            trigger: ".o_lot_recall_notice textarea[name='note']",
            run: "edit Binned the remaining sacks",
        },
        {
            trigger: ".o_lot_recall_notice button[type='submit']",
            run: "click",
        },
        {
            trigger: ".o_lot_recall_notice .alert-success",
        },
    ],
});
