-- 007: the joint reward and sanction measures list (第二十八条) as data an
-- administrator edits without a rebuild: every applied list, whole, as the
-- YAML text that was applied. The latest applied is the one in use; with
-- none, the list built into the binary (catalogs/measures.yaml). Cases keep
-- the measure's code, name and kind as they were (006), so a later list never
-- rewrites a reported month.

CREATE TABLE measure_versions (
  id           INTEGER PRIMARY KEY,
  content      TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  applied_at   TEXT NOT NULL,              -- real time, RFC 3339 UTC
  applied_by   TEXT NOT NULL
) STRICT;
