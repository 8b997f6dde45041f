/** @odoo-module */
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import {Component, onWillStart} from "@odoo/owl";
import {deserializeDate, formatDate} from "@web/core/l10n/dates";
import {ListRenderer} from "@web/views/list/list_renderer";
import {listView} from "@web/views/list/list_view";
import {registry} from "@web/core/registry";
import {useService} from "@web/core/utils/hooks";

/**
 * The drill status above the recalls: when a mock recall last passed, and a warning when that
 * is more than 12 months ago (or never), per company the user works in.
 */
export class RecallDrillDashboard extends Component {
    static template = "lot_recall.RecallDrillDashboard";
    static props = {};

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        onWillStart(async () => {
            this.companies = await this.orm.call("lot.recall", "retrieve_drill_dashboard");
        });
    }

    /** A date of the server ("YYYY-MM-DD") as the user reads dates. */
    formatDay(day) {
        return formatDate(deserializeDate(day));
    }

    openDrills() {
        this.action.doAction("lot_recall.action_lot_recall_drill");
    }
}

export class RecallDashboardListRenderer extends ListRenderer {
    static template = "lot_recall.RecallDashboardListRenderer";
    static components = {...ListRenderer.components, RecallDrillDashboard};
}

export const recallDashboardListView = {
    ...listView,
    Renderer: RecallDashboardListRenderer,
};

registry.category("views").add("lot_recall_dashboard_list", recallDashboardListView);
