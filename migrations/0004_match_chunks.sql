-- Hybrid search: reciprocal rank fusion (RRF) of the nearest neighbours by cosine distance (HNSW index)
-- and the best full-text matches (GIN index). Returns the match_count best chunks, best first.
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
  WITH semantic AS (
    SELECT c.id, row_number() OVER (ORDER BY c.embedding <=> query_embedding) AS rank
    FROM chunks c
    WHERE c.embedding IS NOT NULL
    ORDER BY c.embedding <=> query_embedding
    LIMIT match_count * 4
  ),
  keyword AS (
    SELECT c.id, row_number() OVER (ORDER BY ts_rank_cd(c.content_tsv, q) DESC) AS rank
    FROM chunks c, websearch_to_tsquery('english', query_text) AS q
    WHERE c.content_tsv @@ q
    ORDER BY ts_rank_cd(c.content_tsv, q) DESC
    LIMIT match_count * 4
  )
  SELECT c.id, c.document_id, c.content,
         (coalesce(1.0 / (rrf_k + s.rank), 0) + coalesce(1.0 / (rrf_k + k.rank), 0))::double precision AS score
  FROM semantic s
  FULL JOIN keyword k ON k.id = s.id
  JOIN chunks c ON c.id = coalesce(s.id, k.id)
  ORDER BY score DESC, c.id
  LIMIT match_count
$$;
