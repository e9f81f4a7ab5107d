-- 013: the compiled form of each catalog version (issue 17: speed). A
-- command reads the catalog in force on every run; parsing and validating
-- its YAML was more than half the CPU of a `subject show`. The parsed
-- catalog is kept here as JSON, keyed by the version's content hash and the
-- Go shape it was written from (catalog.CompiledFormat), written when a
-- version is applied and by `credit init` for versions applied before. The
-- YAML in catalog_versions stays the content of record: a missing or
-- unreadable compiled form only means the YAML is parsed.
CREATE TABLE catalog_compiled (
  content_hash TEXT NOT NULL,
  format       TEXT NOT NULL,
  data         TEXT NOT NULL,
  PRIMARY KEY (content_hash, format)
) STRICT;
