# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Lot Traceability & Recall - Costing",
    "summary": "Actual cost of each lot, lot margins, and what a recall costs",
    "version": "18.0.1.0.0",
    "category": "Inventory",
    "website": "https://github.com/lot-recall/lot_recall",
    "author": "lot_recall contributors",
    "maintainers": ["lot-recall"],
    "development_status": "Alpha",
    "license": "LGPL-3",
    "depends": ["lot_recall", "stock_account"],
    "data": [
        "security/lot_recall_account_security.xml",
        "security/ir.model.access.csv",
        "reports/lot_recall_report.xml",
        "reports/lot_margin_report_views.xml",
        "views/stock_lot_views.xml",
        "views/lot_recall_views.xml",
        "views/res_config_settings_views.xml",
        "wizard/lot_recall_destroy_wizard_views.xml",
    ],
    "demo": ["demo/lot_recall_account_demo.xml"],
    "auto_install": True,
}
