"""Job arguments the Glue way, with or without the Glue runtime.

On AWS Glue `awsglue.utils.getResolvedOptions` is importable and used as is. Elsewhere (pytest,
spark-submit on a laptop) the same `--name value` arguments are parsed with argparse, which is
what getResolvedOptions does underneath: unknown arguments (Glue adds many) are ignored and a
missing required one is an error.
"""

from __future__ import annotations

import argparse
from typing import Dict, Iterable, List, Sequence


def _present(argv: Sequence[str], name: str) -> bool:
    flag = "--" + name
    return any(arg == flag or arg.startswith(flag + "=") for arg in argv)


def _fallback(argv: Sequence[str], names: List[str]) -> Dict[str, str]:
    parser = argparse.ArgumentParser(prog=argv[0] if argv else "glue-job", add_help=False)
    for name in names:
        parser.add_argument("--" + name, required=True, dest=name)
    known, _unknown = parser.parse_known_args(list(argv[1:]))
    return vars(known)


def get_resolved_options(argv: Sequence[str], required: Iterable[str], optional: Iterable[str] = ()) -> Dict[str, str]:
    """`required` must be given; each of `optional` is returned only when present."""
    names = list(required) + [name for name in optional if _present(argv, name)]
    try:
        from awsglue.utils import getResolvedOptions  # type: ignore[import-not-found]
    except ImportError:
        return _fallback(argv, names)
    return getResolvedOptions(list(argv), names)
