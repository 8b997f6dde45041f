/** @odoo-module **/
import { registry } from "@web/core/registry";

// A Recall Manager opens the recalls' kanban, keeps the recalls that need action and opens one.
registry.category("web_tour.tours").add("lot_recall_cockpit_tour", {
    steps: () => [
        {
            content: "The recalls open as a kanban grouped by state, a drill among them",
            trigger: ".o_kanban_view .o_kanban_group .o_kanban_record:contains('Drill Sugar')",
        },
        {
            trigger: ".o_kanban_view .o_kanban_record:contains('Cockpit Flour') .o_lot_recall_calls:contains('1')",
        },
        {
            content: "The column's progress bar: nobody acknowledged yet",
            trigger: ".o_kanban_group:has(.o_kanban_record:contains('Cockpit Flour')) .o_column_progress .bg-danger",
        },
        {
            trigger: ".o_searchview_dropdown_toggler",
            run: "click",
        },
        {
            trigger: ".o_filter_menu .o_menu_item:contains('Needs Action')",
            run: "click",
        },
        {
            content: "Only the recall that needs action is left",
            trigger: ".o_kanban_view:not(:has(.o_kanban_record:contains('Drill Sugar'))) .o_kanban_record:contains('Cockpit Flour')",
            run: "click",
        },
        {
            content: "The recall opens",
            trigger: ".o_form_view .o_field_widget[name='lot_ids']:contains('CK-TOUR-1')",
        },
    ],
});

// A customer opens the notice on a phone (390 x 844): the deliveries are cards, the recalling
// firm is on top, the language can be switched, then the customer acknowledges.
registry.category("web_tour.tours").add("lot_recall_notice_phone_tour", {
    steps: () => [
        {
            content: "The recalling firm: name, address and phone",
            trigger: ".o_lot_recall_firm:contains('Phone Test Foods'):contains('Harbour Road') a[href='tel:+44 20 7946 0000']",
        },
        {
            content: "Deliveries are cards; nothing is wider than the screen",
            trigger: ".o_lot_recall_delivery_card:contains('PHONE-LOT-1')",
            run: () => {
                const page = document.documentElement;
                if (page.scrollWidth > window.innerWidth) {
                    throw new Error(`The page is ${page.scrollWidth} px wide on a ${window.innerWidth} px screen`);
                }
                if (document.querySelector(".o_lot_recall_deliveries").offsetParent !== null) {
                    throw new Error("The deliveries' table is shown on a phone");
                }
            },
        },
        {
            trigger: ".o_lot_recall_lang .dropdown-toggle",
            run: "click",
        },
        {
            trigger: ".o_lot_recall_lang .dropdown-menu a[data-url_code='fr']",
            run: "click",
        },
        {
            content: "The page is in French now",
            trigger: "html[lang='fr-FR'] .o_lot_recall_notice input[name='quantity']",
            run: "edit 4",
        },
        {
            trigger: ".o_lot_recall_notice select[name='action']",
            run: "select returning",
        },
        {
            trigger: ".o_lot_recall_notice button[type='submit']",
            run: "click",
        },
        {
            trigger: "html[lang='fr-FR'] .o_lot_recall_notice .alert-success",
        },
    ],
});
