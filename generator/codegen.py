"""Wire models from an OpenAPI subset, with datamodel-code-generator.

Every option is pinned here, in one place, so the output never drifts with the environment:
no timestamp, a fixed target Python, pydantic v2 models, and a header naming the source.
The tool's version is pinned exactly in pyproject.toml's ``dev`` extra.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

DATAMODEL_CODEGEN_OPTIONS = [
    "--input-file-type", "openapi",
    "--output-model-type", "pydantic_v2.BaseModel",
    "--target-python-version", "3.10",
    "--disable-timestamp",  # deterministic output
    "--use-standard-collections",  # list[...] / dict[...]
    "--use-union-operator",  # X | None
    "--use-schema-description",  # OpenAPI descriptions become docstrings
    "--field-constraints",
    "--use-double-quotes",
    "--enum-field-as-literal", "all",  # Literal[...] rather than Enum classes: cheaper to import and compare
    "--allow-extra-fields",  # providers add fields over time; keep them rather than fail
    "--collapse-root-models",
    "--capitalise-enum-members",
]  # fmt: skip


def wire_models(source: Path, output: Path, header_source: str) -> None:
    header = (
        f"# Code generated from {header_source} by `make generate` (datamodel-code-generator). DO NOT EDIT."
    )
    command = [
        sys.executable,
        "-m",
        "datamodel_code_generator",
        "--input",
        str(source),
        "--output",
        str(output),
        "--custom-file-header",
        header,
        *DATAMODEL_CODEGEN_OPTIONS,
    ]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"datamodel-code-generator failed on {source}:\n{result.stderr}")
