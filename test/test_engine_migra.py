"""Round trip of migra's schema pairs: apply diff(a → b) to a, then pg_dump must agree with b."""

import pytest
from engine_support import MIGRA_CASES, MIGRA_SKIP, load_migra_case, round_trip


@pytest.mark.parametrize("case", MIGRA_CASES)
def test_migra_round_trip(case, new_db):
    if case in MIGRA_SKIP:
        pytest.skip(MIGRA_SKIP[case])
    a, b, schemas = load_migra_case(case, new_db)
    for schema in schemas:
        round_trip(a, b, schema)
