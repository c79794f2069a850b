-- Source documents, distributed by id across the elastic cluster's nodes (Citus row-based sharding).
-- A unique constraint on a distributed table must include the distribution column, so the single-server
-- example's UNIQUE (source) has no equivalent here: deduplicate sources in the application, or keep a small
-- reference table of sources.
-- Run on the coordinator (port 5432): distributing a table is a cluster-wide operation.
-- migrate:set lock_timeout = '5s'
CREATE TABLE documents (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source text NOT NULL,
  title text,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

SELECT create_distributed_table('documents', 'id');
