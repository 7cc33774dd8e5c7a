"""Reads Parquet files with pyarrow (an independent reader) and prints {"columns", "types", "rows"} as JSON.

Map columns come back from pyarrow as lists of (key, value) pairs; they are printed as objects so
the rows compare with the JSON Lines records directly.
"""
import json
import sys

import pyarrow.parquet as pq


def plain(value):
    if isinstance(value, list) and all(isinstance(v, tuple) and len(v) == 2 for v in value):
        return {k: plain(v) for k, v in value}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def main(paths):
    columns = None
    types = None
    rows = []
    codecs = set()
    for path in paths:
        parquet = pq.ParquetFile(path)
        for g in range(parquet.metadata.num_row_groups):
            for c in range(parquet.metadata.num_columns):
                codecs.add(parquet.metadata.row_group(g).column(c).compression)
        table = parquet.read()
        names = table.schema.names
        if columns is None:
            columns, types = names, [str(t) for t in table.schema.types]
        elif names != columns:
            raise SystemExit(f"{path}: columns {names} differ from {columns}")
        rows.extend(plain(r) for r in table.to_pylist())
    json.dump({"columns": columns, "types": types, "rows": rows, "codecs": sorted(codecs)}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
