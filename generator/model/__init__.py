"""The records of a knowledge base and their vocabulary: typed, frozen records that also give the
JSON Schemas (`records`, `schema`), the closed vocabularies (`vocabulary`) and date arithmetic
(`dates`). It imports only `source` (positions); every stage after reading imports it."""
