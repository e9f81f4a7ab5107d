-- 008: 第三十条 and 第二十九条 as the text says them.
--
-- Validity counts from the day the act was determined (认定), the date field
-- each negative item names in the catalog (determined_on), no longer the
-- first decision-like date (for 失信被执行人 that was 立案时间). And a
-- serious record of a 法人 is linked only to the persons its provider marks
-- as responsible (负有责任的), never to a legal representative who is only
-- named, and never for a 个体工商户 or a 非法人组织.
--
-- Existing records are brought into line by `credit init` (the upgrade step
-- 008 in internal/store/upgrade.go), which recomputes decided_on/valid_until
-- and removes the links the old rule made, one audit entry per changed
-- record. Until it has run, the store asks for credit init.

-- Kinds a staging batch found for organisations already stored (a row or
-- registration data saying 非法人组织), applied when the batch publishes.
CREATE TABLE staged_kinds (
  batch_id   INTEGER NOT NULL REFERENCES batches(id),
  subject_id INTEGER NOT NULL REFERENCES subjects(id),
  kind       TEXT NOT NULL,
  PRIMARY KEY (batch_id, subject_id)
) STRICT;

INSERT INTO meta(key, value) VALUES ('pending_upgrade:008', 'recompute 第三十条 validity; remove 第二十九条 links the old rule made');
