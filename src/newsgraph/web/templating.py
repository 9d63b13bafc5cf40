"""The Jinja2 environment of the pages and the report: autoescaping on, the charts at hand.

Kept apart from the app so that writing a report needs no web server."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader

from .. import __version__
from . import charts, highlight


_DICT_ATTRIBUTES = frozenset(dir(dict))


class RowsEnvironment(Environment):
    """The pages read rows, which are dicts, as ``row.name``: Jinja tries an attribute first
    and, failing, the key (an exception per lookup: a tenth of a page's rendering time). Here a
    dict's key comes first, unless the name is one of dict's own (``items``, ``get`` ...)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def make_env() -> Environment:
    # the templates ship with the package: no need to look at their files on every page
    env = RowsEnvironment(loader=PackageLoader("newsgraph.web", "templates"), autoescape=True,
                          trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.globals.update(map_svg=charts.map_svg, timeline_svg=charts.timeline_svg,
                       interval_svg=charts.interval_svg, legend=charts.legend,
                       place_legend=charts.place_legend, chart_places=charts.chart_places,
                       anchor_of=highlight.anchor_of,
                       fmt=charts.fmt, version=__version__,
                       place_href=lambda p: f"/place/{int(p['geonameid'])}"
                       if p.get("geonameid") is not None else None)
    env.filters["num"] = lambda v: "" if v is None else charts.fmt(float(v))
    env.filters["day"] = lambda v: "" if v is None else str(v)[:10]
    return env


def query_string(current: dict, **changes: Any) -> str:
    """The current filters with some changed (None drops one), as ``?a=b`` (or '')."""
    merged = {**current, **changes}
    pairs = [(k, v if not isinstance(v, date) else v.isoformat())
             for k, v in merged.items() if v not in (None, "")]
    return ("?" + urlencode(pairs)) if pairs else ""
