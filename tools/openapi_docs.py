"""`make docs`: write each face's OpenAPI 3.1 document to docs/openapi/<face>.json.

The same documents `GET /openapi/<face>.json` serves, generated from the route declarations
(chalicelib/faces/openapi.py), with sorted keys, a 2-space indent and a final newline, so a
change to the API shows in review as a diff. tests/contract/test_openapi.py fails when a
written file is stale. `--check` only reports stale files (exit status 1), writing nothing.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "openapi"


def written() -> dict[Path, str]:
    """Each document's path and text, freshly generated."""
    import app  # noqa: F401  (registers every face's routes)
    from chalicelib.faces import openapi

    return {OUT / f"{face}.json": openapi.render(face) for face in openapi.faces()}


def main(argv: list[str]) -> int:
    documents = written()
    stale = [path for path, text in documents.items() if not path.exists() or path.read_text() != text]
    extra = sorted(set(OUT.glob("*.json")) - set(documents)) if OUT.exists() else []
    if "--check" in argv:
        for path in stale + extra:
            print(f"stale: {path.relative_to(ROOT)} (run make docs)")
        return 1 if stale or extra else 0
    OUT.mkdir(parents=True, exist_ok=True)
    for path in extra:
        path.unlink()
        print(f"removed {path.relative_to(ROOT)}")
    for path, text in documents.items():
        if path in stale:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
