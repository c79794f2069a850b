-- Chunks with their embeddings, distributed by document_id and colocated with documents: a document and all
-- its chunks live in the same shard group, so the foreign key, joins on document_id and per-document searches
-- stay on one node, while a search over every chunk runs on all shards in parallel.
-- The primary key and unique constraints include the distribution column, as Citus requires.
-- migrate:set lock_timeout = '5s'
CREATE TABLE chunks (
  id bigint GENERATED ALWAYS AS IDENTITY,
  document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  content text NOT NULL,
  embedding vector(1536),
  content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (document_id, id),
  CONSTRAINT chunks_document_chunk_key UNIQUE (document_id, chunk_index)
);

CREATE INDEX chunks_content_tsv_idx ON chunks USING gin (content_tsv);

SELECT create_distributed_table('chunks', 'document_id', colocate_with => 'documents');
