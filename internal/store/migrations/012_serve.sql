-- 012: served office mode (issue 18): the SSH public keys that identify
-- clerks to `credit serve`, the API tokens of user units (第二十条 嵌入式接口调用),
-- and what the query log keeps of a served call (how it came, which token,
-- the unit's 办件编号). Nothing is deleted: a removed key and a revoked token
-- keep their row with when and by whom.

CREATE TABLE user_keys (
  id          INTEGER PRIMARY KEY,
  user        TEXT NOT NULL REFERENCES users(name),
  fingerprint TEXT NOT NULL,              -- SHA256:… as ssh-keygen -l prints it
  public_key  TEXT NOT NULL,              -- "TYPE BASE64", the comment dropped
  comment     TEXT NOT NULL DEFAULT '',
  added_at    TEXT NOT NULL,
  added_by    TEXT NOT NULL,
  removed_at  TEXT NOT NULL DEFAULT '',
  removed_by  TEXT NOT NULL DEFAULT ''
) STRICT;
-- A key identifies one operator at a time.
CREATE UNIQUE INDEX user_keys_live ON user_keys(fingerprint) WHERE removed_at = '';
CREATE INDEX user_keys_user ON user_keys(user);

CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  unit        TEXT NOT NULL REFERENCES units(code),
  hash        TEXT NOT NULL UNIQUE,       -- hex SHA-256 of the token; the token itself is never stored
  expires     TEXT NOT NULL DEFAULT '',   -- last valid day (YYYY-MM-DD), '' = no expiry
  allow       TEXT NOT NULL DEFAULT '',   -- CIDR allowlist, comma-separated, '' = any address
  created_at  TEXT NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  TEXT NOT NULL DEFAULT '',
  revoked_by  TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX api_tokens_unit ON api_tokens(unit);

ALTER TABLE query_log ADD COLUMN via TEXT NOT NULL DEFAULT '';      -- '' locally; 'ssh from ADDR', 'api from ADDR'
ALTER TABLE query_log ADD COLUMN token_id INTEGER;                  -- the API token that asked
ALTER TABLE query_log ADD COLUMN case_ref TEXT NOT NULL DEFAULT ''; -- the unit's 办件编号
CREATE INDEX query_log_token ON query_log(token_id, id) WHERE token_id IS NOT NULL;
