/** @odoo-module **/
import { registry } from "@web/core/registry";

const HEADER = "Name,Email,Country,Quantity,Date";
const BAD_CSV = [HEADER, "Delta Deli,delta@example.com,US,4,2025-03-01", "Epsilon Eatery,not-an-email,DE,3.5,2025-03-02"].join("\n");
const GOOD_CSV = [
    HEADER,
    "Delta Deli,delta@example.com,US,4,2025-03-01",
    "Epsilon Eatery,epsilon@example.com,Germany,3.5,2025-03-02",
    "Zeta Zoo,,fr,2,2025-03-03",
].join("\n");

// Put a file in the upload form's input, as picking it on the phone would.
function chooseFile(name, content) {
    const input = document.querySelector("input[name='consignee_file']");
    const files = new DataTransfer();
    files.items.add(new File([content], name, { type: "text/csv" }));
    input.files = files.files;
}

function checkFitsTheScreen() {
    const page = document.documentElement;
    if (page.scrollWidth > window.innerWidth) {
        throw new Error(`The page is ${page.scrollWidth} px wide on a ${window.innerWidth} px screen`);
    }
}

// A customer who distributed the products further lists its consignees on a phone (390 x 844):
// a CSV with a bad row (refused, every row's message, nothing saved), the corrected file, then
// two rows typed in the form.
registry.category("web_tour.tours").add("lot_recall_consignee_phone_tour", {
    steps: () => [
        {
            content: "The section for customers who distributed the products further",
            trigger: ".o_lot_recall_consignees:contains('We distributed these products further') a.o_lot_recall_template_xlsx",
            run: () => {
                checkFitsTheScreen();
                chooseFile("consignees.csv", BAD_CSV);
            },
        },
        {
            trigger: ".o_lot_recall_consignee_upload button.o_lot_recall_upload",
            run: "click",
        },
        {
            content: "The bad row's message; nothing saved",
            trigger: ".o_lot_recall_consignee_errors:contains('Row 3'):contains('not-an-email')",
            run: () => {
                checkFitsTheScreen();
                if (document.querySelector(".o_lot_recall_consignee_card")) {
                    throw new Error("A consignee was saved from a file with a bad row");
                }
                chooseFile("consignees.csv", GOOD_CSV);
            },
        },
        {
            trigger: ".o_lot_recall_consignee_upload button.o_lot_recall_upload",
            run: "click",
        },
        {
            content: "Recorded: the consignees are cards on a phone",
            trigger: ".o_lot_recall_consignees .alert-success:contains('3') ~ div .o_lot_recall_consignee_card:contains('Zeta Zoo')",
            run: () => {
                checkFitsTheScreen();
                if (document.querySelector(".o_lot_recall_consignee_table").offsetParent !== null) {
                    throw new Error("The consignees' table is shown on a phone");
                }
            },
        },
        {
            trigger: "input[name='consignee_name_0']",
            run: "edit Tau Traders",
        },
        {
            trigger: "input[name='consignee_quantity_0']",
            run: "edit 1",
        },
        {
            trigger: "input[name='consignee_date_0']",
            run: function () {
                this.anchor.value = "2025-07-01";
            },
        },
        {
            trigger: ".o_lot_recall_add_row",
            run: "click",
        },
        {
            content: "A second row, numbered 2, empty",
            trigger: ".o_lot_recall_consignee_row:has(.o_lot_recall_row_number:contains('2')) input[name='consignee_name_1']",
            run: function (actions) {
                if (this.anchor.value !== "" || !document.querySelector("label[for='lr_consignee_name_1']")) {
                    throw new Error("The new row is not an empty row of its own");
                }
                actions.edit("Upsilon Foods");
            },
        },
        {
            trigger: "input[name='consignee_country_1']",
            run: "edit Belgium",
        },
        {
            trigger: "input[name='consignee_quantity_1']",
            run: "edit 2,5",
        },
        {
            trigger: "input[name='consignee_date_1']",
            run: function () {
                checkFitsTheScreen();
                this.anchor.value = "2025-07-02";
            },
        },
        {
            trigger: ".o_lot_recall_consignee_form button.o_lot_recall_send_rows",
            run: "click",
        },
        {
            trigger: ".o_lot_recall_consignees .alert-success:contains('2 consignees') ~ div .o_lot_recall_consignee_card:contains('Upsilon Foods')",
        },
    ],
});
