/** @odoo-module **/
import { registry } from "@web/core/registry";

// A Recall User gets a supplier's recall email: Supplier Recall menu, paste the two lot
// references, check what they resolve to and the customers reached, create the recall.
registry.category("web_tour.tours").add("lot_recall_supplier_intake_tour", {
    steps: () => [
        {
            content: "Inventory's Products menu",
            trigger: ".o_menu_sections button:contains('Products')",
            run: "click",
        },
        {
            trigger: ".o-dropdown--menu .dropdown-item:contains('Supplier Recall')",
            run: "click",
        },
        {
            content: "The wizard opens on the supplier's side",
            trigger: ".modal .o_field_widget[name='supplier_id'] input",
            run: "edit Mill Supplies",
        },
        {
            trigger: ".modal .o-autocomplete--dropdown-item:contains('Mill Supplies Ltd')",
            run: "click",
        },
        {
            trigger: ".modal .o_field_widget[name='supplier_recall_ref'] input",
            run: "edit MS-RC-2026-04",
        },
        {
            content: "Upload the supplier's notice",
            trigger: ".modal .o_field_widget[name='supplier_notice'] input[type='file']:not(:visible)",
            run() {
                const files = new DataTransfer();
                files.items.add(
                    new File(["%PDF-1.4 Mill Supplies recall notice"], "ms-rc-2026-04.pdf", {
                        type: "application/pdf",
                    })
                );
                this.anchor.files = files.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal .o_field_widget[name='supplier_notice'] input:value('ms-rc-2026-04.pdf')",
        },
        {
            content: "Paste the references as the supplier's email gives them",
            trigger: ".modal .o_field_widget[name='supplier_lot_refs'] textarea",
            run() {
                // Pasted at once, as from the email (typing a newline key by key is not
                // what the user does).
                const textarea = this.anchor;
                textarea.value = "sup-777 \nSUP-778";
                textarea.dispatchEvent(new Event("input", { bubbles: true }));
                textarea.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            trigger: ".modal .o_field_widget[name='reason'] textarea",
            run: "edit Salmonella found by the mill",
        },
        {
            content: "Each reference and the lots it resolves to, before anything is created",
            trigger: ".modal .o_lot_recall_supplier_preview td:contains('OUR-2')",
        },
        {
            content: "The same reference of another supplier is a warning, not recalled",
            trigger: ".modal .o_lot_recall_supplier_preview tr.table-warning td:contains('OUR-3')",
        },
        {
            trigger: ".modal .o_field_widget[name='lot_ids'] .o_tag:contains('OUR-1')",
        },
        {
            content: "The usual preview: the customer reached",
            trigger: ".modal .o_field_widget[name='preview_partner_count']:contains('1')",
        },
        {
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The recall opens, traced, with the supplier's notice",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Traced')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='supplier_id']:contains('Mill Supplies Ltd')",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='supplier_notice'] input:value('ms-rc-2026-04.pdf')",
        },
        {
            trigger: ".o_form_view .o_notebook a:contains(\"Supplier's References\")",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name='supplier_ref_ids'] .o_data_row:contains('SUP-778')",
        },
    ],
});
