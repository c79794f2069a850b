-- HNSW index on the distributed chunks table: Citus builds one index per shard, on the workers, in parallel.
-- Built CONCURRENTLY so writes continue. The settings below apply to the coordinator's session only: Citus does
-- not pass session settings to the shard builds, which use the server parameters of the nodes (set
-- maintenance_work_mem and max_parallel_maintenance_workers as server parameters for the cluster; see
-- docs/scaling-out.md). A failed build leaves the index INVALID, which the next run drops and builds again.
-- migrate:no-transaction
-- migrate:set statement_timeout = '0'
-- migrate:set lock_timeout = '30s'
CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_idx
  ON chunks USING hnsw (embedding vector_cosine_ops)
  WITH (m = 16, ef_construction = 64);
