"""What is computed from the records, all pure functions of an explicit `today`: check-ins
(`checkins`), NPS and CSAT answers (`feedback`), health and its flags (`health`), each client's
insight (`insights`), the portfolio's metrics (`metrics`) and what is due (`due`). It imports the
model and the parsed records only; the site, the build and the command line import it."""
