-- migrate:no-transaction
DROP INDEX CONCURRENTLY IF EXISTS chunks_embedding_hnsw_idx;
