"""The records of a knowledge base and their vocabulary: typed, frozen records that also give the
JSON Schemas (`records`, `schema`), where each value came from (`sourcemap`), the closed
vocabularies (`vocabulary`) and date arithmetic (`dates`). It imports nothing of clientkb's; every
stage imports it."""
