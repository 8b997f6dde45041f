/** @odoo-module **/
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, xml } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardWidgetProps } from "@web/views/widgets/standard_widget_props";
import { GenealogyGraph } from "./genealogy_graph";

/**
 * The genealogy graph in a form (the recall's Genealogy tab): ``<widget
 * name="lot_recall_genealogy"/>``. Drawn again when the record is traced again.
 */
export class GenealogyWidget extends Component {
    static template = xml`
        <GenealogyGraph t-key="version" resModel="props.record.resModel"
                        resId="props.record.resId" expandable="true"/>`;
    static components = { GenealogyGraph };
    static props = { ...standardWidgetProps };

    get version() {
        return String(this.props.record.data.trace_date || "");
    }
}

registry.category("view_widgets").add("lot_recall_genealogy", {
    component: GenealogyWidget,
    fieldDependencies: [{ name: "trace_date", type: "datetime" }],
});
