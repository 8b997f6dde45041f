/** @odoo-module **/
import publicWidget from "@web/legacy/js/public/public_widget";

// The notice page's consignee form: "Add a row" adds an empty row like the last one. The rows
// are named consignee_<column>_<index>; the server reads and checks them all.
publicWidget.registry.LotRecallConsigneeRows = publicWidget.Widget.extend({
    selector: ".o_lot_recall_consignee_form",
    events: {
        "click .o_lot_recall_add_row": "_onAddRow",
    },

    _onAddRow() {
        const rows = this.el.querySelector(".o_lot_recall_consignee_rows");
        const index = rows.children.length;
        const row = rows.lastElementChild.cloneNode(true);
        const renumber = (value) => value.replace(/_\d+$/, `_${index}`);
        for (const input of row.querySelectorAll("input")) {
            input.name = renumber(input.name);
            input.id = renumber(input.id);
            input.value = "";
        }
        for (const label of row.querySelectorAll("label[for]")) {
            label.htmlFor = renumber(label.htmlFor);
        }
        row.querySelector(".o_lot_recall_row_number").textContent = String(index + 1);
        rows.appendChild(row);
        row.querySelector("input").focus();
    },
});
