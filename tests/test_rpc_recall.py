"""A recall built and run only through JSON-RPC, as an integrator's program would."""

import io
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from conftest import RpcError, receive_new_lot, transfer, web_session, xmlid
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def shipped_lot(admin):
    """One lot received from a supplier and shipped to three customers."""
    tag = uuid.uuid4().hex[:8]
    stock = xmlid(admin, "stock.stock_location_stock")
    customers = xmlid(admin, "stock.stock_location_customers")
    received = receive_new_lot(
        admin,
        f"RPC Oats {tag}",
        f"RPC Mill {tag}",
        f"OATS-{tag}",
        100,
        supplier_lot_ref=f"MILL-{tag}",
    )
    product_id, lot_id = received["product"], received["lot"]
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
        shipped[customer] = transfer(
            admin,
            xmlid(admin, "stock.picking_type_out"),
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
    wizard_id = admin.execute("lot.recall.close.wizard", "create", {"recall_id": recall_id})
    admin.execute("lot.recall.close.wizard", "action_confirm", [wizard_id])
    with pytest.raises(RpcError) as refused:
        admin.execute("lot.recall", "action_trace", [recall_id])
    assert refused.value.name == "odoo.exceptions.UserError"


def test_concurrent_sends_queue_one_email_per_notice(admin, odoo_url, shipped_lot):
    # wkhtmltopdf renders the notice PDFs with assets fetched from this very server.
    admin.execute("ir.config_parameter", "set_param", "report.url", odoo_url)
    recall_id = admin.execute(
        "lot.recall",
        "create",
        {"reason": "Concurrent send", "lot_ids": [[6, 0, [shipped_lot["lot_id"]]]]},
    )
    admin.execute("lot.recall", "action_trace", [recall_id])

    def send(_):
        try:
            return admin.execute("lot.recall", "action_send_notices", [recall_id])
        except RpcError as error:
            # The losing side of a concurrent send is told so, in words.
            assert error.name == "odoo.exceptions.UserError"
            assert "being traced or its notices are being sent" in str(error)
            return "busy"

    # Four sends of the recall at once.
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(send, range(4)))
    assert True in results
    assert set(results) <= {True, "busy"}
    notices = admin.execute(
        "lot.recall.notice", "search_read", [["recall_id", "=", recall_id]], fields=["queued"]
    )
    assert len(notices) == 3
    # Queued once each: the mail queue prepares one email per queued notice.
    assert all(notice["queued"] for notice in notices)
    messages = admin.execute(
        "mail.message",
        "search_read",
        [["model", "=", "lot.recall"], ["res_id", "=", recall_id], ["body", "ilike", "queued"]],
        fields=["body"],
    )
    assert sum("3 notices queued" in message["body"] for message in messages) == 1


def test_manufacturing_and_return_scenario_over_rpc(admin, odoo_url, odoo_db):
    """Receipt with a supplier lot ref, a manufacturing order, deliveries and a customer return,
    built only through JSON-RPC; then the recall of the raw lot reaches the finished lot's
    customers, with the return netted."""
    tag = uuid.uuid4().hex[:8]
    stock = xmlid(admin, "stock.stock_location_stock")
    customers = xmlid(admin, "stock.stock_location_customers")
    received = receive_new_lot(
        admin,
        f"RPC Grain {tag}",
        f"RPC Farm {tag}",
        f"GRAIN-{tag}",
        10,
        supplier_lot_ref=f"FARM-{tag}",
    )
    grain, grain_lot = received["product"], received["lot"]
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
    production = admin.execute(
        "mrp.production", "create", {"product_id": mix, "bom_id": bom, "product_qty": 10}
    )
    admin.execute("mrp.production", "action_confirm", [production])
    admin.execute("mrp.production", "action_assign", [production])
    assert admin.execute("mrp.production", "button_mark_done", [production]) is True
    [done] = admin.execute("mrp.production", "read", [production], ["state", "lot_producing_id"])
    assert done["state"] == "done"
    mix_lot, mix_lot_name = done["lot_producing_id"]

    out_type = xmlid(admin, "stock.picking_type_out")
    buyers = [
        admin.execute(
            "res.partner",
            "create",
            {"name": f"RPC Buyer {n} {tag}", "is_company": True, "email": f"b{n}.{tag}@ex.com"},
        )
        for n in range(2)
    ]
    shipped = [
        transfer(admin, out_type, buyer, mix, qty, stock, customers, {"lot_id": mix_lot})
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
    _assert_recall_xlsx(odoo_url, odoo_db, recall, tag, mix_lot_name, shipped)


def _assert_recall_xlsx(odoo_url, odoo_db, recall, tag, mix_lot_name, shipped):
    """The shipments spreadsheet, downloaded over HTTP with a web session like the button."""
    opener = web_session(odoo_url, odoo_db, "admin", "admin")
    with opener.open(f"{odoo_url}/lot_recall/recall/{recall}/xlsx", timeout=120) as response:
        assert "spreadsheetml" in response.headers["Content-Type"]
        book = load_workbook(io.BytesIO(response.read()))
    shipments = list(book["Shipments"].iter_rows(values_only=True))
    rows = [dict(zip(shipments[0], row, strict=True)) for row in shipments[1:]]
    assert [
        (
            row["Traceability Lot Code"],
            row["Customer"],
            row["Delivery Reference"],
            row["Quantity"],
            row["Returned Quantity"],
        )
        for row in sorted(rows, key=lambda row: row["Delivery Reference"])
    ] == [
        (mix_lot_name, f"RPC Buyer {n} {tag}", shipped[n], qty, returned)
        for n, qty, returned in ((0, 6, 0), (1, 4, 3))
    ]
    suppliers = list(book["Suppliers"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1], row[3]) for row in suppliers] == [
        (f"RPC Farm {tag}", f"GRAIN-{tag}", f"FARM-{tag}")
    ]
    lots = {row[0]: row[2] for row in book["Lots"].iter_rows(min_row=2, values_only=True)}
    assert lots == {f"GRAIN-{tag}": 0, mix_lot_name: 1}
    # Without a session: the login page, never the file.
    with pytest.raises(urllib.error.HTTPError) as denied:
        urllib.request.build_opener(NoRedirect()).open(
            f"{odoo_url}/lot_recall/recall/{recall}/xlsx", timeout=60
        )
    assert denied.value.code in (302, 303)
    assert "/web/login" in denied.value.headers["Location"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
