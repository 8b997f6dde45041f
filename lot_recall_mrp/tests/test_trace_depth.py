# Copyright 2026 lot_recall contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from .common import ManufacturingCase

LEVELS = 11
LINES = 4  # move lines of each component lot per manufacturing order


@tagged("post_install", "-at_install")
class TestTraceDepth(ManufacturingCase):
    """A deep genealogy made by real manufacturing orders, each consuming each component lot
    in 4 move lines: a walk that follows every path makes 4 ** 11 rows here (about a minute); the
    trace must visit each lot once and still give each lot its shortest depth and parent.

    Genealogy (-> is one MO; every arrow consumes its component lot in 4 lines)::

        L0 -> L1 -> L2 -> ... -> L11         the chain, L0 received from a supplier
        L8 -> X   (made first: smaller via)  a long and a short path into the same lot X
        L2 -> X   (made second)
        X  -> Y
        L3 -> A,  L3 -> B                    equal-length paths into C and D
        A + B -> C (one MO, both components) same via line: the smaller parent wins
        B -> D  (made first),  A -> D        different via lines: the smaller via wins
        L11 -> L5                            rework: a cycle L5 -> ... -> L11 -> L5
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.products = cls.env["product.product"].create(
            [
                {"name": f"Level {i}", "is_storable": True, "tracking": "lot"}
                for i in range(LEVELS + 7)
            ]
        )
        product = iter(cls.products)
        root_product = next(product)
        cls.chain = [cls._receive(root_product, "DEPTH-L0", 100)]
        cls.chain_mos = [None]
        for level in range(1, LEVELS + 1):
            mo = cls._produce(next(product), [cls.chain[-1]], f"DEPTH-L{level}")
            cls.chain_mos.append(mo)
            cls.chain.append(mo.lot_producing_id)
        chain = cls.chain
        x_product, y_product, a_product, b_product, c_product, d_product = (
            next(product) for _ in range(6)
        )
        cls.mo_x_long = cls._produce(x_product, [chain[8]], "DEPTH-X")
        cls.x = cls.mo_x_long.lot_producing_id
        cls.mo_x_short = cls._produce(x_product, [chain[2]], cls.x)
        cls.mo_y = cls._produce(y_product, [cls.x], "DEPTH-Y")
        cls.y = cls.mo_y.lot_producing_id
        cls.mo_a = cls._produce(a_product, [chain[3]], "DEPTH-A")
        cls.mo_b = cls._produce(b_product, [chain[3]], "DEPTH-B")
        cls.a, cls.b = cls.mo_a.lot_producing_id, cls.mo_b.lot_producing_id
        cls.mo_c = cls._produce(c_product, [cls.a, cls.b], "DEPTH-C")
        cls.c = cls.mo_c.lot_producing_id
        cls.mo_d_from_b = cls._produce(d_product, [cls.b], "DEPTH-D")
        cls.d = cls.mo_d_from_b.lot_producing_id
        cls.mo_d_from_a = cls._produce(d_product, [cls.a], cls.d)
        cls.mo_rework = cls._produce(chain[5].product_id, [chain[11]], chain[5])

    @classmethod
    def _produce(cls, product, components, finished_lot):
        """A done manufacturing order of ``product`` consuming each lot of ``components`` in
        ``LINES`` move lines of 1 unit, producing ``finished_lot`` (a lot or a new lot's name)."""
        return cls._manufacture(
            product, [(lot, LINES) for lot in components], finished_lot, LINES, lines=LINES
        )

    def _row(self, lot, depth, parent=None, production=None):
        via = production and production.move_finished_ids.move_line_ids.filtered(
            lambda line: line.lot_id == lot
        )
        return {
            "lot_id": lot.id,
            "depth": depth,
            "parent_lot_id": parent.id if parent else None,
            "via_move_line_id": via.id if via else None,
            "via_reference": production.name if production else None,
        }

    def _lots(self, roots):
        return self.env["lot.trace"]._trace(roots.ids, self.company.id)["lots"]

    def test_each_mo_consumed_its_component_in_four_lines(self):
        for production in (self.chain_mos[1], self.chain_mos[LEVELS], self.mo_c):
            components = production.move_raw_ids.move_line_ids
            self.assertEqual(len(components), LINES * len(production.move_raw_ids))
            finished = production.move_finished_ids.move_line_ids
            self.assertEqual(len(finished), 1)
            self.assertEqual(finished.consume_line_ids, components)

    def test_deep_genealogy_shortest_depth_and_parent(self):
        chain, mos = self.chain, self.chain_mos
        expected = [self._row(chain[0], 0)]
        expected += [
            self._row(chain[level], level, chain[level - 1], mos[level])
            for level in range(1, LEVELS + 1)
        ]
        expected += [
            # Depth 3 through L2, although the path through L8 has the smaller via line.
            self._row(self.x, 3, chain[2], self.mo_x_short),
            self._row(self.y, 4, self.x, self.mo_y),
            self._row(self.a, 4, chain[3], self.mo_a),
            self._row(self.b, 4, chain[3], self.mo_b),
            # One MO made C from A and B: one via line, the smaller parent.
            self._row(self.c, 5, self.a, self.mo_c),
            # Two MOs made D, from B then from A: the smaller via line, hence B.
            self._row(self.d, 5, self.b, self.mo_d_from_b),
        ]
        expected.sort(key=lambda row: (row["depth"], row["lot_id"]))
        self.assertEqual(self._lots(chain[0]), expected)

    def test_cycle_and_long_path_from_another_root(self):
        # From L6 the only way to X is the long one (through L8), and the rework cycle brings
        # L5 in after L11; L6 itself stays at depth 0.
        chain, mos = self.chain, self.chain_mos
        expected = [self._row(chain[6], 0)]
        expected += [
            self._row(chain[level], level - 6, chain[level - 1], mos[level])
            for level in range(7, LEVELS + 1)
        ]
        expected += [
            self._row(self.x, 3, chain[8], self.mo_x_long),
            self._row(self.y, 4, self.x, self.mo_y),
            self._row(chain[5], 6, chain[11], self.mo_rework),
        ]
        expected.sort(key=lambda row: (row["depth"], row["lot_id"]))
        self.assertEqual(self._lots(chain[6]), expected)

    def test_several_roots_and_a_root_made_from_another(self):
        # L0 and L4 both given: L4 is an input lot (depth 0), not L3's product at depth 4;
        # everything below L4 is counted from L4, the rest from L0.
        chain = self.chain
        lots = {
            row["lot_id"]: (row["depth"], row["parent_lot_id"])
            for row in self._lots(chain[0] | chain[4])
        }
        self.assertEqual(lots[chain[4].id], (0, None))
        self.assertEqual(lots[chain[5].id], (1, chain[4].id))
        self.assertEqual(lots[chain[11].id], (7, chain[10].id))
        self.assertEqual(lots[chain[3].id], (3, chain[2].id))
        self.assertEqual(lots[self.x.id], (3, chain[2].id))
        self.assertEqual(len(lots), 18)

    def test_upstream_is_the_same_walk_the_other_way(self):
        """From every lot, upstream reaches exactly the lots whose downstream trace reaches it,
        at the same shortest distance, through the deep genealogy and its rework cycle."""
        Trace = self.env["lot.trace"]
        lots = self.env["stock.lot"].concat(*self.chain, self.x, self.y, self.a, self.b)
        lots |= self.c | self.d
        downstream = {
            lot.id: {row["lot_id"]: row["depth"] for row in self._lots(lot)} for lot in lots
        }
        for lot in lots:
            upstream = Trace._trace_upstream(lot.ids, self.company.id)
            self.assertEqual(
                {row["lot_id"]: row["depth"] for row in upstream["lots"]},
                {
                    source: depths[lot.id]
                    for source, depths in downstream.items()
                    if lot.id in depths
                },
                lot.name,
            )
        # Only L0 was received from a supplier: the one receipt behind Y (through X and the
        # chain).
        receipts = Trace._trace_upstream(self.y.ids, self.company.id)["receipts"]
        self.assertEqual([row["lot_id"] for row in receipts], [self.chain[0].id])
