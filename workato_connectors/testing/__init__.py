"""Test against a fake Workato: a real local server with a realistic catalog and fault knobs.

``FakeWorkato`` serves the Connectors API on loopback; ``generate_catalog`` and
``generate_input_schema`` build the deterministic data it serves, and
``all_field_shapes_schema`` returns one schema with every form-field shape. Installing
the package also installs a pytest plugin with a ``fake_workato`` fixture.
"""

from ._catalog import generate_catalog as generate_catalog
from ._schemas import all_field_shapes_schema as all_field_shapes_schema
from ._schemas import generate_input_schema as generate_input_schema
from ._server import FakeWorkato as FakeWorkato
from ._server import RecordedRequest as RecordedRequest

__all__ = [
    "FakeWorkato",
    "RecordedRequest",
    "all_field_shapes_schema",
    "generate_catalog",
    "generate_input_schema",
]
