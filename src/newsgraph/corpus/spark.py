"""The Spark runner: the same batch function as ``ingest``, one task per input file.

As in Common Crawl's own Spark jobs, the driver only lists the input files; Spark parallelizes
that list with one partition per file, and each task reads its file (the same readers), analyses
it in batches with ``Pipeline.analyze_batch`` (the model loaded once per Python worker) and turns
the records into rows with the store's own builder (``store.record_rows``). The rows become one
Parquet folder per table, ``OUT/<table>/part-*.parquet``, with the store's columns and types;
``newsgraph sql/claims/events ... --db OUT`` reads such a folder through DuckDB views.

What differs from ``ingest`` (documented in docs/corpus.md): each task sees only its own file,
so a text read twice is stored twice (no ``article_copies``). Near-duplicates are linked across
files after the job, on the driver (``link_near_duplicates``): the tasks write each article's
MinHash signature, and one pass over ``OUT/minhashes`` in input order gives every article the
cluster ``ingest`` would have given it, rewriting ``OUT/articles`` with that ``cluster_id``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Iterator, Union

from ..errors import DocumentError
from .readers import ReadOptions, read_file, walk
from .runner import DEFAULT_BATCH, batches
from .store import OTHER_TABLES, TABLES, Column, now, record_rows

# What the Spark job writes: every record table, the near-duplicate tables and the errors.
SPARK_TABLES = {**TABLES, **{t: OTHER_TABLES[t] for t in ("minhashes", "minhash_bands", "errors")}}


@dataclass
class SparkSummary:
    out: str
    files: int = 0
    articles: int = 0
    errors: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        out = asdict(self)
        out["articles_per_second"] = round(self.articles / self.seconds, 2) if self.seconds else 0
        return out


def spark_type(sql: str) -> Any:
    """The Spark SQL type of a store column's DuckDB type."""
    from pyspark.sql import types as T

    base = sql.split()[0]
    if base.endswith("[]"):
        inner = base[:-2]
        return T.ArrayType(T.LongType() if inner in ("UINTEGER", "BIGINT", "INTEGER")
                           else spark_type(inner))
    return {"VARCHAR": T.StringType(), "JSON": T.StringType(), "BIGINT": T.LongType(),
            "INTEGER": T.IntegerType(), "DOUBLE": T.DoubleType(), "BOOLEAN": T.BooleanType(),
            "DATE": T.DateType(), "TIMESTAMPTZ": T.TimestampType()}[base]


def spark_schema(columns: list[Column]) -> Any:
    from pyspark.sql import types as T

    return T.StructType([T.StructField(c.name, spark_type(c.sql), True) for c in columns])


def _cell(column: Column, value: Any) -> Any:
    """A value as Spark wants it for the column's type (the store's conversions: JSON as text,
    ISO dates as dates)."""
    if value is None:
        return None
    if column.json or column.sql.startswith("JSON"):
        return value if isinstance(value, str) else json.dumps(value)
    if column.sql.startswith("DATE") and not isinstance(value, date):
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            return None
    return value


def _table_rows(table: str, columns: dict[str, list]) -> Iterator[tuple[str, tuple]]:
    cols = SPARK_TABLES[table]
    names = [c.name for c in cols]
    n = len(columns.get(names[0], []))
    for i in range(n):
        yield table, tuple(_cell(c, columns[c.name][i]) if c.name in columns else None
                           for c in cols)


def process_files(paths: Iterable[str], options: dict, run_id: str) -> Iterator[tuple[str, tuple]]:
    """One task: the files of a partition -> (table, row) pairs. Runs on the workers."""
    from ..pipeline import Document, default_pipeline

    read_options = ReadOptions(**options["read"])
    pipeline = None
    stamp = now()
    for path in paths:
        for batch in batches(read_file(Path(path), read_options), options["batch_size"]):
            docs = [i for i in batch if isinstance(i, Document)]
            errors = [i for i in batch if isinstance(i, DocumentError)]
            records = []
            if docs:
                pipeline = pipeline or default_pipeline(options["model"])
                for doc, result in zip(docs, pipeline.analyze_batch(docs)):
                    if isinstance(result, DocumentError):
                        result.where = result.where or doc.where or doc.url
                        errors.append(result)
                    else:
                        records.append((result, doc.where or doc.url or ""))
            for table, columns in record_rows(records, run_id, stamp).items():
                yield from _table_rows(table, columns)
            yield from _table_rows("errors", {
                "run_id": [run_id] * len(errors), "read_from": [e.where for e in errors],
                "stage": [e.stage for e in errors],
                "message": [str(e.args[0]) if e.args else "" for e in errors],
                "time": [stamp] * len(errors)})


def list_files(inputs: Iterable[Union[str, Path]]) -> tuple[list[str], list[str]]:
    """(files, inputs that do not exist), folders walked as ``ingest`` walks them."""
    files, missing = [], []
    for item in walk(inputs):
        if isinstance(item, DocumentError):
            missing.append(item.where or "")
        else:
            files.append(str(item))
    return files, missing


def run(inputs: Iterable[Union[str, Path]], out: Union[str, Path], *, master: str = "local[2]",
        published: Union[date, str, None] = None, source: str | None = None,
        fields: dict[str, str] | None = None, batch_size: int = DEFAULT_BATCH,
        model: str | None = None, spark: Any = None) -> SparkSummary:
    """Analyse every file under ``inputs`` on Spark and write Parquet per table under ``out``
    (replaced if it exists). ``spark``: a SparkSession to use instead of starting one."""
    try:
        from pyspark import StorageLevel
        from pyspark.sql import SparkSession
    except ImportError:
        raise RuntimeError("pyspark is not installed: pip install 'newsgraph[spark]'") from None
    files, missing = list_files(inputs)
    if missing:
        raise RuntimeError(f"no such file or folder: {', '.join(missing)}")
    if not files:
        raise RuntimeError("no input files")
    summary = SparkSummary(out=str(out), files=len(files))
    started = time.perf_counter()
    # The workers must run this interpreter (the one with newsgraph and the model installed).
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    own = spark is None
    if own:
        spark = (SparkSession.builder.master(master).appName("newsgraph")
                 .config("spark.ui.enabled", "false")
                 .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    try:
        run_id = "spark-" + now().strftime("%Y%m%dT%H%M%S")
        options = {"read": {"published": str(published) if published else None,
                            "source": source, "fields": dict(fields or {})},
                   "batch_size": max(1, batch_size), "model": model}
        rows = (spark.sparkContext.parallelize(files, len(files))
                .mapPartitions(lambda part: process_files(part, options, run_id))
                .persist(StorageLevel.MEMORY_AND_DISK))
        for table, columns in SPARK_TABLES.items():
            frame = spark.createDataFrame(rows.filter(lambda r, t=table: r[0] == t)
                                          .map(lambda r: r[1]), spark_schema(columns))
            frame.write.mode("overwrite").parquet(str(Path(out) / table))
            if table == "articles":
                summary.articles = frame.count()
            elif table == "errors":
                summary.errors = frame.count()
        rows.unpersist()
        link_near_duplicates(out)
    finally:
        if own:
            spark.stop()
    summary.seconds = time.perf_counter() - started
    return summary


def link_near_duplicates(out: Union[str, Path]) -> int:
    """Give the articles of a Spark output the near-duplicate clusters ``ingest`` gives: the
    articles in input order (partition = input file, then row), each joining the cluster of the
    most similar earlier text (``neardup.clusters_in_order``). Rewrites ``OUT/articles`` as one
    Parquet file; returns how many articles joined another's cluster."""
    import duckdb

    from . import neardup

    folder = Path(out) / "articles"
    signatures_folder = Path(out) / "minhashes"
    if not list(folder.glob("*.parquet")):
        return 0
    con = duckdb.connect()
    try:
        pattern = str(folder / "*.parquet").replace("'", "''")
        ordered = con.execute(
            f"SELECT id FROM read_parquet('{pattern}', filename = true, file_row_number = true) "
            "ORDER BY filename, file_row_number").fetchall()
        signatures: dict[str, list[int]] = {}
        if list(signatures_folder.glob("*.parquet")):
            sig_pattern = str(signatures_folder / "*.parquet").replace("'", "''")
            signatures = {aid: list(sig) for aid, sig in con.execute(
                f"SELECT article_id, signature FROM read_parquet('{sig_pattern}')").fetchall()}
        clusters = neardup.clusters_in_order([(aid, signatures.get(aid)) for (aid,) in ordered])
        joined = sum(1 for aid, cluster in clusters.items() if cluster != aid)
        con.execute("CREATE TEMP TABLE linked AS SELECT unnest($1::VARCHAR[]) AS id, "
                    "unnest($2::VARCHAR[]) AS cluster", [list(clusters), list(clusters.values())])
        tmp = Path(out) / "articles.linking"
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir()
        target = str(tmp / "part-00000.parquet").replace("'", "''")
        con.execute(
            f"COPY (SELECT a.* EXCLUDE (filename, file_row_number) "
            f"REPLACE (coalesce(l.cluster, a.id) AS cluster_id) "
            f"FROM read_parquet('{pattern}', filename = true, file_row_number = true) a "
            f"LEFT JOIN linked l ON l.id = a.id ORDER BY a.filename, a.file_row_number) "
            f"TO '{target}' (FORMAT parquet)")
    finally:
        con.close()
    shutil.rmtree(folder)
    tmp.rename(folder)
    return joined

