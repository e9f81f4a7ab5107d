-- PLACEHOLDER, NOT TO BE MERGED: migration 008 belongs to another part of
-- issue 15 (validity recompute / 第二十九条 links). It is here only so that
-- this branch's migrations are numbered 1..n and 009 can run in its tests.
-- The integrator drops this file (its commit) when merging.
SELECT 1;
