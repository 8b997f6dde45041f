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
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": next(_ids),
            "params": {"service": service, "method": method, "args": args},
        }
        request = urllib.request.Request(
            f"{self.url}/jsonrpc",
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=120) as response:
            answer = json.load(response)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer.get("result")

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            "object", "execute_kw", self.db, self.uid, self.password, model, method, args, kwargs
        )


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
