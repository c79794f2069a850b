-- Approximate nearest-neighbour index for cosine distance (ORDER BY embedding <=> $1 LIMIT k).
-- Built CONCURRENTLY so that writes continue during the build, which needs a run outside a transaction.
-- pgvector builds much faster when the graph fits in maintenance_work_mem: raise it for large tables
-- (within the server's memory). If the build fails, the INVALID index it leaves is dropped on the next run.
-- migrate:no-transaction
-- migrate:set maintenance_work_mem = '512MB'
-- migrate:set max_parallel_maintenance_workers = 2
-- migrate:set statement_timeout = '0'
-- migrate:set lock_timeout = '30s'
CREATE INDEX CONCURRENTLY IF NOT EXISTS chunks_embedding_hnsw_idx
  ON chunks USING hnsw (embedding vector_cosine_ops)
  WITH (m = 16, ef_construction = 64);
