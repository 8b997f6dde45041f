/** @odoo-module **/
// Copyright 2026 lot_recall contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import { Component, xml } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";
import { GenealogyGraph } from "./genealogy_graph";

/**
 * The genealogy graph full screen: the lot form's Genealogy button, and Full Screen on a
 * recall's Genealogy tab. The record is the action's ``active_id``, its model the action's
 * ``genealogy_model`` (one client action per model, so that a reload finds it again).
 */
export class GenealogyAction extends Component {
    static template = xml`
        <div class="o_action o_lot_recall_genealogy_action h-100">
            <Layout display="{ controlPanel: {} }">
                <div class="h-100 p-3">
                    <GenealogyGraph resModel="resModel" resId="resId"/>
                </div>
            </Layout>
        </div>`;
    static components = { GenealogyGraph, Layout };
    static props = { ...standardActionServiceProps };

    get resModel() {
        return this.props.action.context.genealogy_model;
    }

    get resId() {
        return this.props.action.context.active_id;
    }
}

registry.category("actions").add("lot_recall.genealogy", GenealogyAction);
