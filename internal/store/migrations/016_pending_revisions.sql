-- 014: publishing a revision batch no longer rewrites the revised records in
-- the publish transaction (issue 16: a long publish must not make a small
-- write wait). Publishing flips the batch to 'published' and leaves its
-- staged_revisions rows in place: they are now "published pending"
-- revisions. Every reader reads the current_* views below, which show a
-- published pending revision exactly as if it had been applied (the record's
-- content, its 第二十九条 links, the superseded content in its history), so
-- the whole batch becomes visible at the one commit of the publish (SPEC §6).
-- Right after, the importing process moves the pending revisions into the
-- base tables in short chunks (the deferred apply); each chunk leaves what
-- the views show unchanged. A process that dies mid-apply leaves the rest
-- pending; the next import, `credit init` and `credit serve` finish it, and
-- a workflow change of a record first applies that record's revision.
--
-- Invariant kept by the publish: a record has at most one published pending
-- revision (noop = 0); a batch publishing a revision of a record that still
-- has one from an earlier batch applies that older one first, in the same
-- transaction.

CREATE INDEX staged_revisions_record ON staged_revisions(record_id);

-- The published pending revision of a record, if any, with its batch's
-- publish time and operator.
CREATE VIEW pending_revisions AS
SELECT p.batch_id, p.record_id, p.category, p.severity, p.decided_on, p.valid_until, p.layout, p.vals, p.content_hash, p.links,
       pb.finished_at AS published_at, pb.operator AS published_by
  FROM staged_revisions p JOIN batches pb ON pb.id = p.batch_id AND pb.state = 'published'
 WHERE p.noop = 0;

CREATE VIEW current_records AS
SELECT r.id, r.item, r.natural_key, r.subject_id, r.provider, r.first_batch, r.channel,
       CASE WHEN p.record_id IS NULL THEN r.rev ELSE r.rev + 1 END AS rev,
       CASE WHEN p.record_id IS NULL THEN r.rev_batch ELSE p.batch_id END AS rev_batch,
       CASE WHEN p.record_id IS NULL THEN r.procedure ELSE 'revision' END AS procedure,
       CASE WHEN p.record_id IS NULL THEN r.category ELSE p.category END AS category,
       CASE WHEN p.record_id IS NULL THEN r.severity ELSE p.severity END AS severity,
       CASE WHEN p.record_id IS NULL THEN r.decided_on ELSE p.decided_on END AS decided_on,
       CASE WHEN p.record_id IS NULL THEN r.valid_until ELSE p.valid_until END AS valid_until,
       r.status,
       CASE WHEN p.record_id IS NULL THEN r.layout ELSE p.layout END AS layout,
       CASE WHEN p.record_id IS NULL THEN r.vals ELSE p.vals END AS vals,
       CASE WHEN p.record_id IS NULL THEN r.content_hash ELSE p.content_hash END AS content_hash,
       CASE WHEN p.record_id IS NULL THEN r.updated_at ELSE pb.finished_at END AS updated_at
  FROM records r
  -- Probed by record id (staged_revisions_record), the batch's state by its
  -- key: a reader pays two index probes per record, whatever the number of
  -- batches (an IN list of published batches made SQLite probe each).
  LEFT JOIN staged_revisions p ON p.record_id = r.id AND p.noop = 0
        AND EXISTS (SELECT 1 FROM batches x WHERE x.id = p.batch_id AND x.state = 'published')
  LEFT JOIN batches pb ON pb.id = p.batch_id;

-- Every link the published pending revisions carry. Read batch first (the
-- few published batches, then their staged rows by key), never by scanning
-- staged_revisions, which holds the rows of imports still staging too.
CREATE VIEW pending_links AS
SELECT p.record_id, json_extract(j.value, '$.SubjectID') AS subject_id, json_extract(j.value, '$.Role') AS role
  FROM batches pb CROSS JOIN staged_revisions p CROSS JOIN json_each(p.links) j
 WHERE pb.state = 'published' AND p.batch_id = pb.id AND p.noop = 0;

-- A record's links: those stored, unless a published pending revision
-- carries the full new set. SQLite cannot flatten this compound view into a
-- join or a correlated subquery (it would scan every link): a query that
-- finds links by a subject from another table's row (EXISTS … WHERE
-- l.subject_id = s.id) reads record_links (with no pending revision of the
-- record) and pending_links separately, as subjectKnown does.
CREATE VIEW current_record_links AS
SELECT l.record_id, l.subject_id, l.role FROM record_links l
 WHERE NOT EXISTS (SELECT 1 FROM pending_revisions p WHERE p.record_id = l.record_id)
UNION ALL
SELECT DISTINCT record_id, subject_id, role FROM pending_links;

-- The history, plus for each published pending revision the content it
-- supersedes, as the apply will write it (id NULL until then).
CREATE VIEW current_record_history AS
SELECT id, record_id, rev, rev_batch, procedure, category, severity, decided_on, valid_until, status, layout, vals, content_hash,
       valid_from, superseded_at, superseded_by, ref, operator
  FROM record_history
UNION ALL
SELECT NULL, r.id, r.rev, r.rev_batch, r.procedure, r.category, r.severity, r.decided_on, r.valid_until, r.status, r.layout, r.vals,
       r.content_hash, r.updated_at, p.published_at, 'revision', 'batch:' || p.batch_id, p.published_by
  FROM pending_revisions p JOIN records r ON r.id = p.record_id;
