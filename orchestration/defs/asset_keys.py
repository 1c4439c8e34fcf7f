"""The asset keys that more than one area names: defined here once.

The dbt assets' keys come from the dbt project (schema and model name); these are the keys the
wiring refers to by hand.
"""

import dagster as dg

LANDED = dg.AssetKey(["landing", "responses"])  # the landed respondent exports
ANSWER_SHARES = dg.AssetKey(["marts", "answer_shares"])  # the contract's table, where the share checks hang
SERVING = dg.AssetKey(["serving", "tendensen"])  # the published serving copy
