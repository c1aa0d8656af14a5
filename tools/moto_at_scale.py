"""moto's Query on a table of ~50,000 items: paged as DynamoDB pages an index, and fast enough.

The tests (tests/conftest.py), `make run` (tools/run_local.py) and the benchmarks install this
(`install()`): the tests' module worlds, `make run`'s long-lived table and the benchmarks'
organisations of 10,000 constituents and 70,000 gifts and contact reports all query one
table whose every Query moto answers by sorting the whole table.
What moto 5.2 does, and what changes:

1. **An index's pages.** moto cuts a Query's page at 1 MB of the *table's* items, also on an
   index, so a search index shard of 1,250 rows (whole donors ~1.5 KB, index entries a third
   of that) came back in two pages: one more call and one more round trip than DynamoDB makes.
   DynamoDB reads an index's entries, the projected attributes and keys (plus 100 bytes of
   overhead an entry, as it sizes index storage); here an index Query sizes each item so.
2. **Sorting.** Every Query sorts the whole table (`Table.all_items`) and then its matches
   (`Table.sorted_items`) with keys of DynamoType objects, whose comparisons recompute
   `cast_value` every time; here each key's `cast_value` is computed once per item. A
   DynamoType compares by `cast_value`, and a key attribute has one type throughout a table or
   index, so the order is the same. Equality and order of two string or binary DynamoTypes
   compare their values directly (what `cast_value` returns for them), and a string's size
   is its UTF-8 length without the type tests first: a table Query sorts its whole partition
   and sizes every item of it, and an organisation's records are one partition.
3. **Projection.** Each returned item is projected onto the index's attributes by turning the
   whole item into plain JSON once per projected attribute; here once per item, when the
   projection is top-level attribute names (an index's always is).
4. **The response.** moto writes a Query's answer by walking the operation's output shape
   for every attribute value (most of the time a 1,250-row shard took); here with
   `json.dumps` of the same result, which is what that walk ends in (the same body but for
   the order of the top-level keys; results with binary values are left to moto).

5. **A Query's candidates.** A Query walks `Table.all_items()`, which sorts the whole table,
   and then sorts what it kept by the index's (or the table's) keys, which order every item
   completely; here the first sort is skipped inside a Query (the second gives the order).
   It sizes each item twice against the 1 MB page (here once), and deep-copies the page's
   items before projecting them into new items or writing them into the response, neither of
   which changes them; here they are not copied.

6. **Building an item.** An item's attributes are a `LimitedSizeDict`, which sums the sizes of
   every attribute already set each time one is set (quadratic in the attributes, for every
   item written, copied or projected); here `Item.__init__` sets them all and then checks the
   whole item's size once: the same item, and the same `ItemSizeTooLarge` for one too large
   (sizes only grow as attributes are added, so the last sum is the one that can exceed).

Items, their order and their projections stay moto's own; only 1 changes what a call returns
(where a page ends), to what DynamoDB returns. The bench's figures (calls, items, bytes,
Python time outside moto) do not depend on how fast moto answers.
"""
from __future__ import annotations

import copy
import json
import re
import threading
from typing import Any

from moto import settings
from moto.dynamodb.exceptions import ItemSizeTooLarge
from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict, serializer
from moto.dynamodb.models import table as table_module
from moto.dynamodb.models.table import GlobalSecondaryIndex, Table
from moto.dynamodb.models.utilities import bytesize
from moto.dynamodb.responses import DynamoResult

_INSTALLED = "_bench_at_scale"
INDEX_ENTRY_OVERHEAD = 100  # bytes DynamoDB adds to each index entry's size
_reading = threading.local()  # the attribute names of the index a Query in this thread reads

_original = {"query": Table.query, "size": Item.size, "project": Item.project, "item_init": Item.__init__,
             "eq": DynamoType.__eq__, "ne": DynamoType.__ne__, "lt": DynamoType.__lt__, "value_size": DynamoType.size, "execute": DynamoResult.execute_result}
_PLAIN = ("S", "B")


# ---- 1. an index's pages ---------------------------------------------------------------------

def _entry_names(table: Table, index_name: str | None) -> set[str] | None:
    """The attributes an entry of the index holds, or None (the table, or a projection of ALL)."""
    if not index_name:
        return None
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    if not isinstance(index, GlobalSecondaryIndex) or not index.projection:
        return None
    kind = index.projection.get("ProjectionType")
    keys = {*index.table_key_attrs, *(key["AttributeName"] for key in index.schema)}
    if kind == "KEYS_ONLY":
        return keys
    if kind == "INCLUDE":
        return keys | set(index.projection.get("NonKeyAttributes", []))
    return None


def _query(self: Table, *args: Any, **kwargs: Any) -> Any:
    index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
    _reading.names = _entry_names(self, index_name)
    _reading.querying, _reading.sizes = True, {}
    try:
        return _original["query"](self, *args, **kwargs)
    finally:
        _reading.names, _reading.querying, _reading.sizes = None, False, None


def _size(self: Item) -> int:
    sizes = getattr(_reading, "sizes", None)
    if sizes is None:
        return _entry_size(self)
    if id(self) not in sizes:  # 5: once per item and Query (nothing changes it meanwhile)
        sizes[id(self)] = (self, _entry_size(self))  # the item held: its id is not reused
    return sizes[id(self)][1]


def _entry_size(self: Item) -> int:
    names = getattr(_reading, "names", None)
    if names is None:
        return _original["size"](self)
    return INDEX_ENTRY_OVERHEAD + sum(bytesize(key) + value.size() for key, value in self.attrs.items()
                                      if key in names)


class _CopyOutsideQueries:
    """The `copy` module as moto's table module sees it, except that inside a Query (5) a
    deep copy of the page's items is the items themselves."""

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)

    @staticmethod
    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if getattr(_reading, "querying", False) and isinstance(value, list):
            return list(value)
        return copy.deepcopy(value, memo)


# ---- 2. sorting --------------------------------------------------------------------------------

def _cast(value: Any) -> Any:
    if value is None:
        return None
    return value.value if value.type in _PLAIN else value.cast_value


def _all_items(self: Table) -> list[Any]:
    items: list[Any] = []
    for hash_set in self.items.values():
        if self.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    if getattr(_reading, "querying", False):  # 5: the Query sorts what it keeps
        return items
    return sorted(items, key=lambda x: (_cast(x.hash_key), _cast(x.range_key)) if x.range_key
                  else _cast(x.hash_key))


def _sorted_items(self: Table, hash_key_attrs: list[str], range_key_attrs: list[str | None],
                  items: list[Any]) -> list[Any]:
    attrs = self._generate_attr_to_sort_by(hash_key_attrs, range_key_attrs)
    items.sort(key=lambda x: tuple(x.attrs[key].cast_value for key in attrs))
    return items


def _eq(self: DynamoType, other: DynamoType) -> bool:
    if self.type in _PLAIN and isinstance(other, DynamoType):
        return self.type == other.type and self.value == other.value
    return _original["eq"](self, other)


def _ne(self: DynamoType, other: DynamoType) -> bool:
    if self.type in _PLAIN and isinstance(other, DynamoType):
        return self.type != other.type or self.value != other.value
    return _original["ne"](self, other)


def _lt(self: DynamoType, other: DynamoType) -> bool:
    if self.type in _PLAIN and isinstance(other, DynamoType) and other.type == self.type:
        return self.value < other.value
    return _original["lt"](self, other)


def _value_size(self: DynamoType) -> int:
    if self.type == "S":
        return bytesize(self.value)
    return _original["value_size"](self)


# ---- 3. projection -------------------------------------------------------------------------------

_LIST_ELEMENT = re.compile(r".+\[\d+\]$")  # `a[1]`: left to moto's own code


def _project(self: Item, projection_expressions: list[list[str]]) -> Item:
    names = [expr[0] for expr in projection_expressions if len(expr) == 1]
    if len(names) != len(projection_expressions) or len(set(names)) != len(names) or \
            any(_LIST_ELEMENT.match(name) for name in names):
        return _original["project"](self, projection_expressions)
    whole = self.to_regular_json()
    result = {name: whole[name] for name in names if name in whole}
    return Item(hash_key=self.hash_key, range_key=self.range_key, attrs=serializer.serialize(result)["M"])


# ---- 4. the response --------------------------------------------------------------------------

def _execute_result(self: DynamoResult, context: Any) -> tuple[int, dict[str, str], str]:
    if context.operation_model.name != "Query" or settings.PRETTIFY_RESPONSES:
        return _original["execute"](self, context)
    try:
        body = json.dumps(self.result)
    except TypeError:  # binary values (bytes): moto's serializer encodes them
        return _original["execute"](self, context)
    version = context.service_model.metadata.get("jsonVersion", "1.0")
    return 200, {"Content-Type": f"application/x-amz-json-{version}"}, body


# ---- 6. building an item ---------------------------------------------------------------------

ITEM_SIZE_LIMIT = 405000  # what LimitedSizeDict allows (moto's own figure)


def _item_init(self: Item, hash_key: DynamoType, range_key: DynamoType | None, attrs: dict[str, Any]) -> None:
    self.hash_key = hash_key
    self.range_key = range_key
    self.attrs = LimitedSizeDict()
    size = 0
    for key, value in attrs.items():
        typed = DynamoType(value)
        dict.__setitem__(self.attrs, key, typed)
        size += bytesize(key) + typed.size()
    if size > ITEM_SIZE_LIMIT:
        raise ItemSizeTooLarge


def install() -> None:
    if getattr(Table, _INSTALLED, False):
        return
    Table.query = _query  # type: ignore[method-assign]
    table_module.copy = _CopyOutsideQueries()  # type: ignore[assignment]
    Item.size = _size  # type: ignore[method-assign]
    Table.all_items = _all_items  # type: ignore[method-assign]
    Table.sorted_items = _sorted_items  # type: ignore[method-assign]
    DynamoType.__eq__ = _eq  # type: ignore[method-assign]
    DynamoType.__ne__ = _ne  # type: ignore[method-assign]
    DynamoType.__lt__ = _lt  # type: ignore[method-assign]
    DynamoType.size = _value_size  # type: ignore[method-assign]
    Item.project = _project  # type: ignore[method-assign]
    Item.__init__ = _item_init  # type: ignore[method-assign]
    DynamoResult.execute_result = _execute_result  # type: ignore[method-assign]
    setattr(Table, _INSTALLED, True)
