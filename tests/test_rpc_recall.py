"""A recall built and run only through JSON-RPC, as an integrator's program would."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import RpcError


def _xmlid(rpc, xmlid):
    module, name = xmlid.split(".")
    [row] = rpc.execute(
        "ir.model.data",
        "search_read",
        [["module", "=", module], ["name", "=", name]],
        fields=["res_id"],
    )
    return row["res_id"]


def _transfer(rpc, picking_type, partner_id, product_id, quantity, src, dest, lot):
    picking_id = rpc.execute(
        "stock.picking",
        "create",
        {
            "picking_type_id": picking_type,
            "partner_id": partner_id,
            "location_id": src,
            "location_dest_id": dest,
            "move_ids": [
                [
                    0,
                    0,
                    {
                        "name": "rpc",
                        "product_id": product_id,
                        "product_uom_qty": quantity,
                        "location_id": src,
                        "location_dest_id": dest,
                    },
                ]
            ],
        },
    )
    rpc.execute("stock.picking", "action_confirm", [picking_id])
    [move] = rpc.execute("stock.picking", "read", [picking_id], ["move_ids"])
    move_id = move["move_ids"][0]
    lines = rpc.execute("stock.move.line", "search", [["move_id", "=", move_id]])
    if lines:
        rpc.execute("stock.move.line", "unlink", lines)
    rpc.execute(
        "stock.move.line",
        "create",
        {
            "move_id": move_id,
            "picking_id": picking_id,
            "product_id": product_id,
            "quantity": quantity,
            "location_id": src,
            "location_dest_id": dest,
            **lot,
        },
    )
    rpc.execute("stock.move", "write", [move_id], {"picked": True})
    rpc.execute("stock.picking", "button_validate", [picking_id])
    [state] = rpc.execute("stock.picking", "read", [picking_id], ["state", "name"])
    assert state["state"] == "done"
    return state["name"]


@pytest.fixture(scope="module")
def shipped_lot(admin):
    """One lot received from a supplier and shipped to three customers."""
    tag = uuid.uuid4().hex[:8]
    stock = _xmlid(admin, "stock.stock_location_stock")
    suppliers = _xmlid(admin, "stock.stock_location_suppliers")
    customers = _xmlid(admin, "stock.stock_location_customers")
    product_id = admin.execute(
        "product.product",
        "create",
        {"name": f"RPC Oats {tag}", "is_storable": True, "tracking": "lot"},
    )
    supplier = admin.execute("res.partner", "create", {"name": f"RPC Mill {tag}"})
    _transfer(
        admin,
        _xmlid(admin, "stock.picking_type_in"),
        supplier,
        product_id,
        100,
        suppliers,
        stock,
        {"lot_name": f"OATS-{tag}", "supplier_lot_ref": f"MILL-{tag}"},
    )
    [lot_id] = admin.execute("stock.lot", "search", [["name", "=", f"OATS-{tag}"]])
    shipped = {}
    for index, quantity in enumerate((5, 7, 11)):
        customer = admin.execute(
            "res.partner",
            "create",
            {
                "name": f"RPC Customer {index} {tag}",
                "is_company": True,
                "email": f"customer{index}.{tag}@example.com",
            },
        )
        shipped[customer] = _transfer(
            admin,
            _xmlid(admin, "stock.picking_type_out"),
            customer,
            product_id,
            quantity,
            stock,
            customers,
            {"lot_id": lot_id},
        )
    return {"lot_id": lot_id, "shipped": shipped, "tag": tag}


def test_lot_data_and_recall_over_rpc(admin, shipped_lot):
    [lot] = admin.execute(
        "stock.lot", "read", [shipped_lot["lot_id"]], ["supplier_lot_ref", "supplier_id"]
    )
    assert lot["supplier_lot_ref"] == f"MILL-{shipped_lot['tag']}"
    assert lot["supplier_id"]
    found = admin.execute("stock.lot", "name_search", f"MILL-{shipped_lot['tag']}")
    assert [row[0] for row in found] == [shipped_lot["lot_id"]]

    recall_id = admin.execute(
        "lot.recall",
        "create",
        {"reason": "RPC recall", "is_mock": True, "lot_ids": [[6, 0, [shipped_lot["lot_id"]]]]},
    )
    admin.execute("lot.recall", "action_trace", [recall_id])
    [recall] = admin.execute(
        "lot.recall", "read", [recall_id], ["state", "partner_count", "line_ids"]
    )
    assert recall["state"] == "traced"
    assert recall["partner_count"] == 3
    lines = admin.execute(
        "lot.recall.line",
        "read",
        recall["line_ids"],
        ["partner_id", "picking_id", "quantity"],
    )
    assert sorted(
        (line["partner_id"][0], line["picking_id"][1], line["quantity"]) for line in lines
    ) == sorted(
        (partner, name, qty)
        for (partner, name), qty in zip(
            shipped_lot["shipped"].items(), (5.0, 7.0, 11.0), strict=True
        )
    )


def test_concurrent_traces_never_duplicate_lines(admin, shipped_lot):
    recall_id = admin.execute(
        "lot.recall",
        "create",
        {"reason": "Concurrent", "is_mock": True, "lot_ids": [[6, 0, [shipped_lot["lot_id"]]]]},
    )

    def trace(_):
        return admin.execute("lot.recall", "action_trace", [recall_id])

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(trace, range(12)))
    assert results == [True] * 12
    lines = admin.execute(
        "lot.recall.line", "search_read", [["recall_id", "=", recall_id]], fields=["move_line_id"]
    )
    assert len(lines) == 3
    assert len({line["move_line_id"][0] for line in lines}) == 3


def test_closed_recall_cannot_be_traced(admin, shipped_lot):
    recall_id = admin.execute(
        "lot.recall",
        "create",
        {"reason": "Closed", "is_mock": True, "lot_ids": [[6, 0, [shipped_lot["lot_id"]]]]},
    )
    admin.execute("lot.recall", "action_trace", [recall_id])
    admin.execute("lot.recall", "action_close", [recall_id])
    with pytest.raises(RpcError) as refused:
        admin.execute("lot.recall", "action_trace", [recall_id])
    assert refused.value.name == "odoo.exceptions.UserError"


def test_concurrent_sends_queue_one_email_per_notice(admin, odoo_url, shipped_lot):
    # wkhtmltopdf renders the notice PDFs with assets fetched from this very server.
    admin.execute("ir.config_parameter", "set_param", "report.url", odoo_url)
    recalls = [
        admin.execute(
            "lot.recall",
            "create",
            {"reason": f"Concurrent send {n}", "lot_ids": [[6, 0, [shipped_lot["lot_id"]]]]},
        )
        for n in range(2)
    ]
    for recall_id in recalls:
        admin.execute("lot.recall", "action_trace", [recall_id])

    def send(recall_id):
        return admin.execute("lot.recall", "action_send_notices", [recall_id])

    # Both recalls at once, each of them twice.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, recalls * 2))
    assert results == [True] * 4
    for recall_id in recalls:
        notices = admin.execute(
            "lot.recall.notice", "search_read", [["recall_id", "=", recall_id]], fields=["id"]
        )
        assert len(notices) == 3
        for notice in notices:
            queued = admin.execute(
                "mail.mail",
                "search_count",
                [["model", "=", "lot.recall.notice"], ["res_id", "=", notice["id"]]],
            )
            assert queued == 1, notice


def test_manufacturing_and_return_scenario_over_rpc(admin):
    """Receipt with a supplier lot ref, a manufacturing order, deliveries and a customer return,
    built only through JSON-RPC; then the recall of the raw lot reaches the finished lot's
    customers, with the return netted."""
    tag = uuid.uuid4().hex[:8]
    stock = _xmlid(admin, "stock.stock_location_stock")
    customers = _xmlid(admin, "stock.stock_location_customers")
    grain = admin.execute(
        "product.product",
        "create",
        {"name": f"RPC Grain {tag}", "is_storable": True, "tracking": "lot"},
    )
    mix = admin.execute(
        "product.product",
        "create",
        {"name": f"RPC Mix {tag}", "is_storable": True, "tracking": "lot"},
    )
    [mix_template] = admin.execute("product.product", "read", [mix], ["product_tmpl_id"])
    bom = admin.execute(
        "mrp.bom",
        "create",
        {
            "product_tmpl_id": mix_template["product_tmpl_id"][0],
            "product_qty": 1,
            "bom_line_ids": [[0, 0, {"product_id": grain, "product_qty": 1}]],
        },
    )
    supplier = admin.execute("res.partner", "create", {"name": f"RPC Farm {tag}"})
    _transfer(
        admin,
        _xmlid(admin, "stock.picking_type_in"),
        supplier,
        grain,
        10,
        _xmlid(admin, "stock.stock_location_suppliers"),
        stock,
        {"lot_name": f"GRAIN-{tag}", "supplier_lot_ref": f"FARM-{tag}"},
    )
    [grain_lot] = admin.execute("stock.lot", "search", [["name", "=", f"GRAIN-{tag}"]])
    production = admin.execute(
        "mrp.production", "create", {"product_id": mix, "bom_id": bom, "product_qty": 10}
    )
    admin.execute("mrp.production", "action_confirm", [production])
    admin.execute("mrp.production", "action_assign", [production])
    assert admin.execute("mrp.production", "button_mark_done", [production]) is True
    [done] = admin.execute("mrp.production", "read", [production], ["state", "lot_producing_id"])
    assert done["state"] == "done"
    mix_lot = done["lot_producing_id"][0]

    out_type = _xmlid(admin, "stock.picking_type_out")
    buyers = [
        admin.execute(
            "res.partner",
            "create",
            {"name": f"RPC Buyer {n} {tag}", "is_company": True, "email": f"b{n}.{tag}@ex.com"},
        )
        for n in range(2)
    ]
    shipped = [
        _transfer(admin, out_type, buyer, mix, qty, stock, customers, {"lot_id": mix_lot})
        for buyer, qty in zip(buyers, (6, 4), strict=True)
    ]
    [second] = admin.execute("stock.picking", "search", [["name", "=", shipped[1]]])
    context = {"active_id": second, "active_model": "stock.picking"}
    wizard = admin.execute("stock.return.picking", "create", {}, context=context)
    [line] = admin.execute(
        "stock.return.picking", "read", [wizard], ["product_return_moves"], context=context
    )
    admin.execute(
        "stock.return.picking.line", "write", line["product_return_moves"], {"quantity": 3}
    )
    returned = admin.execute(
        "stock.return.picking", "action_create_returns", [wizard], context=context
    )["res_id"]
    admin.execute("stock.picking", "button_validate", [returned])

    recall = admin.execute(
        "lot.recall",
        "create",
        {"reason": "Mycotoxin", "is_mock": True, "lot_ids": [[6, 0, [grain_lot]]]},
    )
    admin.execute("lot.recall", "action_trace", [recall])
    [values] = admin.execute(
        "lot.recall", "read", [recall], ["affected_lot_ids", "line_ids", "notice_ids"]
    )
    assert set(values["affected_lot_ids"]) == {grain_lot, mix_lot}
    lines = admin.execute(
        "lot.recall.line",
        "read",
        values["line_ids"],
        ["partner_id", "picking_id", "lot_id", "quantity", "returned_quantity"],
    )
    assert sorted(
        (
            row["partner_id"][0],
            row["picking_id"][1],
            row["lot_id"][0],
            row["quantity"],
            row["returned_quantity"],
        )
        for row in lines
    ) == sorted(
        [
            (buyers[0], shipped[0], mix_lot, 6.0, 0.0),
            (buyers[1], shipped[1], mix_lot, 4.0, 3.0),
        ]
    )
    notices = admin.execute(
        "lot.recall.notice", "read", values["notice_ids"], ["partner_id", "state"]
    )
    assert sorted((n["partner_id"][0], n["state"]) for n in notices) == sorted(
        (buyer, "pending") for buyer in buyers
    )
