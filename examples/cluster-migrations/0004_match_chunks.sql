-- Hybrid search on the distributed chunks table: reciprocal rank fusion (RRF) of the nearest neighbours by
-- cosine distance (HNSW index on every shard) and the best full-text matches (GIN index on every shard).
-- Each MATERIALIZED CTE is a plain ORDER BY ... LIMIT over chunks, which Citus pushes down to every shard and
-- merges on the coordinator; it returns every column the result needs. The ranking (window functions) and the
-- join then run on the coordinator over those few rows, so nothing needs a window partitioned by the
-- distribution column or a join of chunks with itself across shards.
-- hnsw.ef_search set in a session reaches the shards only as a server parameter (see docs/scaling-out.md).
-- migrate:set lock_timeout = '5s'
CREATE FUNCTION match_chunks(
  query_embedding vector(1536),
  query_text text,
  match_count integer DEFAULT 10,
  rrf_k integer DEFAULT 60
)
RETURNS TABLE (chunk_id bigint, document_id bigint, content text, score double precision)
LANGUAGE sql STABLE
AS $$
  WITH semantic AS MATERIALIZED (
    SELECT c.id, c.document_id, c.content, c.embedding <=> query_embedding AS distance
    FROM chunks c
    WHERE c.embedding IS NOT NULL
    ORDER BY c.embedding <=> query_embedding
    LIMIT match_count * 4
  ),
  keyword AS MATERIALIZED (
    SELECT c.id, c.document_id, c.content, ts_rank_cd(c.content_tsv, websearch_to_tsquery('english', query_text)) AS relevance
    FROM chunks c
    WHERE c.content_tsv @@ websearch_to_tsquery('english', query_text)
    ORDER BY relevance DESC
    LIMIT match_count * 4
  ),
  ranked AS (
    SELECT id, document_id, content, row_number() OVER (ORDER BY distance) AS semantic_rank, NULL::bigint AS keyword_rank
    FROM semantic
    UNION ALL
    SELECT id, document_id, content, NULL::bigint, row_number() OVER (ORDER BY relevance DESC)
    FROM keyword
  )
  SELECT id, document_id, min(content),
         (coalesce(1.0 / (rrf_k + min(semantic_rank)), 0) + coalesce(1.0 / (rrf_k + min(keyword_rank)), 0))::double precision AS score
  FROM ranked
  GROUP BY document_id, id
  ORDER BY score DESC, id
  LIMIT match_count
$$;
