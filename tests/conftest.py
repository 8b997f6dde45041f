"""Outside-in tests: they drive the Odoo server started by ``make test`` over HTTP and JSON-RPC,
the way an integrator's program would. ``ODOO_URL`` and ``ODOO_DB`` name the server and database."""

import itertools
import json
import os
import urllib.request

import pytest

_ids = itertools.count(1)


class JsonRpc:
    def __init__(self, url, db, login, password):
        self.url, self.db, self.password = url.rstrip("/"), db, password
        self.uid = self.call("common", "login", db, login, password)

    def call(self, service, method, *args):
        return _json_call(
            urllib.request.urlopen,
            f"{self.url}/jsonrpc",
            {"service": service, "method": method, "args": args},
        )

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object", "execute_kw", self.db, self.uid, self.password, model, method, args, kwargs
        )


def _json_call(open_url, url, params, timeout=120):
    payload = {"jsonrpc": "2.0", "method": "call", "id": next(_ids), "params": params}
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with open_url(request, timeout=timeout) as response:
        answer = json.load(response)
    if "error" in answer:
        raise RpcError(answer["error"])
    return answer.get("result")


def web_session(url, db, login, password):
    """An opener holding the cookie of a web session of ``login``, as a browser would."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    _json_call(
        opener.open,
        f"{url.rstrip('/')}/web/session/authenticate",
        {"db": db, "login": login, "password": password},
        timeout=60,
    )
    return opener


def xmlid(rpc, ref):
    """The database id of the record of XML id ``ref`` ("module.name")."""
    module, name = ref.split(".")
    [row] = rpc.execute(
        "ir.model.data",
        "search_read",
        [["module", "=", module], ["name", "=", name]],
        fields=["res_id"],
    )
    return row["res_id"]


def transfer(rpc, picking_type, partner_id, product_id, quantity, src, dest, lot, validate=True):
    """Create, fill (``lot``: lot_id or lot_name and more move line values) and validate a
    one-line transfer over JSON-RPC; return its name (its id, ready to validate, with
    ``validate=False``)."""
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
    if not validate:
        return picking_id
    rpc.execute("stock.picking", "button_validate", [picking_id])
    [state] = rpc.execute("stock.picking", "read", [picking_id], ["state", "name"])
    assert state["state"] == "done"
    return state["name"]


def receive_new_lot(rpc, product_name, supplier_name, lot_name, quantity, **line_values):
    """Create a lot-tracked product and a supplier, and receive ``quantity`` of a new lot into
    stock; return the ids {"product", "supplier", "lot"}."""
    product = rpc.execute(
        "product.product",
        "create",
        {"name": product_name, "is_storable": True, "tracking": "lot"},
    )
    supplier = rpc.execute("res.partner", "create", {"name": supplier_name})
    transfer(
        rpc,
        xmlid(rpc, "stock.picking_type_in"),
        supplier,
        product,
        quantity,
        xmlid(rpc, "stock.stock_location_suppliers"),
        xmlid(rpc, "stock.stock_location_stock"),
        {"lot_name": lot_name, **line_values},
    )
    [lot] = rpc.execute("stock.lot", "search", [["name", "=", lot_name]])
    return {"product": product, "supplier": supplier, "lot": lot}


class RpcError(Exception):
    def __init__(self, error):
        super().__init__(error.get("data", {}).get("message") or error.get("message"))
        self.name = error.get("data", {}).get("name", "")


@pytest.fixture(scope="session")
def odoo_url():
    return os.environ.get("ODOO_URL", "http://127.0.0.1:8069")


@pytest.fixture(scope="session")
def odoo_db():
    return os.environ.get("ODOO_DB", "lot_recall_test")


@pytest.fixture(scope="session")
def admin(odoo_url, odoo_db):
    return JsonRpc(odoo_url, odoo_db, "admin", "admin")


@pytest.fixture(scope="session")
def odoo_shell(odoo_db):
    """The command of an ``odoo-bin shell`` on the test database: a second Odoo process the
    tests may start and kill. ``make test`` sets ODOO_PYTHON, ODOO_BIN and ODOO_CONF."""
    missing = [name for name in ("ODOO_PYTHON", "ODOO_BIN", "ODOO_CONF") if name not in os.environ]
    assert not missing, f"set {', '.join(missing)} (make test does) to run this test"
    return [
        os.environ["ODOO_PYTHON"],
        os.environ["ODOO_BIN"],
        "shell",
        "-c",
        os.environ["ODOO_CONF"],
        "-d",
        odoo_db,
        "--no-http",
        "--log-level=warn",
    ]
