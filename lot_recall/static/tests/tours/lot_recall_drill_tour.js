/** @odoo-module **/
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {registry} from "@web/core/registry";

// A Recall User opens the drills (warned that none passed in the last 12 months), reads the
// mass balance of the running drill and reconciles it.
registry.category("web_tour.tours").add("lot_recall_drill_tour", {
    steps: () => [
        {
            content: "The dashboard above the drills warns that no drill passed yet",
            trigger: ".o_lot_recall_drill_dashboard .alert-warning:contains('No mock recall has passed yet')",
        },
        {
            trigger: ".o_list_view .o_data_row:contains('TOUR-DRILL-1') td[name='name']",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='drill_result']:contains('Running')",
        },
        {
            trigger: ".o_notebook a:contains('Mass Balance')",
            run: "click",
        },
        {
            content: "Every quantity received is accounted for",
            trigger: ".o_field_widget[name='balance_ids'] .o_data_row:contains('TOUR-DRILL-1'):contains('100.00')",
        },
        {
            trigger: ".o_field_widget[name='balance_location_ids'] .o_data_row:contains('WH/Stock')",
        },
        {
            trigger: ".o_form_view button[name='action_reconcile']",
            run: "click",
        },
        {
            content: "Confirm: the clock stops and the balance is frozen",
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            trigger: ".o_form_view .o_field_widget[name='drill_result']:contains('Passed')",
        },
        {
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Closed')",
        },
        {
            content: "Back to the drills: the warning is gone",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item a",
            run: "click",
        },
        {
            trigger: ".o_lot_recall_drill_dashboard:contains('Last successful drill on')",
        },
    ],
});
