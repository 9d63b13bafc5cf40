"""The offline web UI: ``newsgraph serve`` (see :func:`newsgraph.web.app.create_app`).

Importing this package stays light (no FastAPI): the report writer uses its charts too."""
