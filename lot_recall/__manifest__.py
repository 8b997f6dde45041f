# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Lot Traceability & Recall",
    "summary": "Trace lots to every customer delivery and run product recalls in one click",
    "version": "18.0.1.0.0",
    "category": "Inventory",
    "website": "https://github.com/lot-recall/lot_recall",
    "author": "lot_recall contributors",
    "maintainers": ["lot-recall"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["stock", "product_expiry", "mail", "portal"],
    "data": [
        "security/lot_recall_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "reports/lot_recall_notice_report.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/lot_recall_views.xml",
        "views/lot_recall_notice_views.xml",
        "views/portal_templates.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/stock_lot_views.xml",
        "views/stock_move_line_views.xml",
        "views/product_template_views.xml",
        "wizard/lot_recall_wizard_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["lot_recall/static/tests/tours/*.js"],
    },
    "demo": [
        "demo/lot_recall_demo.xml",
        "demo/lot_recall_recall_demo.xml",
    ],
}
