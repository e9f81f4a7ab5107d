-- 014: a trigram index of subject names (issue 17: a public name search over
-- 1,000,000 subjects within 100 ms). Name search matches substrings of the
-- normalised name (name_key LIKE '%…%'), which no B-tree index serves; the
-- FTS5 trigram tokenizer indexes every three-character run of each name_key,
-- so a search text of three characters or more finds its candidates from the
-- index instead of reading every subject. The search still tests
-- name_key LIKE on each candidate, so the matches are exactly those of the
-- scan; shorter texts (one or two characters) still scan.
--
-- External content: the index keeps no copy of the names (it reads them from
-- subjects by id). New subjects are indexed by the statement that creates
-- them in bulk (ResolveSubjectList: one INSERT … SELECT per chunk of an
-- import, after its single-row inserts), not by a trigger: a trigger on the
-- subjects INSERT made each single-row insert a statement with a statement
-- journal, and FTS5 flushes its pending terms at every statement savepoint,
-- so each new subject became a segment of its own to merge (the import's
-- CPU went from 8.8 s to 15 s for 200,000 rows). Later changes are rare and
-- kept in step by the triggers below: a name learnt later, the retention
-- purge blanking a person, a discarded staging batch's subjects removed.
-- They take out only an entry the index has (subject_names_docsize holds
-- a row for each indexed id), so a subject row written outside
-- ResolveSubjectList can never make the index inconsistent.
-- Cost: each new subject writes about one index entry per character of its
-- name (a 15-character name: 13 trigrams).
CREATE VIRTUAL TABLE subject_names USING fts5(name_key, content='subjects', content_rowid='id', tokenize='trigram');
-- 第八条 (retention purge): a delete must take the name's entries out of the
-- index's segments at once. By default FTS5 only records a delete marker and
-- keeps the old entries until a merge, so a purged person's name (a
-- three-character name is one trigram: the whole name) would stay in the
-- file, past secure_delete and VACUUM, which copy the segments as they are.
INSERT INTO subject_names(subject_names, rank) VALUES ('secure-delete', 1);

CREATE TRIGGER subject_names_ad AFTER DELETE ON subjects
  WHEN EXISTS (SELECT 1 FROM subject_names_docsize WHERE id = old.id) BEGIN
  INSERT INTO subject_names(subject_names, rowid, name_key) VALUES ('delete', old.id, old.name_key);
END;
CREATE TRIGGER subject_names_au AFTER UPDATE OF name_key ON subjects WHEN old.name_key IS NOT new.name_key BEGIN
  INSERT INTO subject_names(subject_names, rowid, name_key)
    SELECT 'delete', old.id, old.name_key WHERE EXISTS (SELECT 1 FROM subject_names_docsize WHERE id = old.id);
  INSERT INTO subject_names(rowid, name_key) VALUES (new.id, new.name_key);
END;

-- Existing stores: index the names already on file.
INSERT INTO subject_names(subject_names) VALUES ('rebuild');
