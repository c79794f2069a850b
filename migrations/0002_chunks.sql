-- Chunks of the documents with their embeddings, and a full-text column for hybrid search.
-- vector(1536) matches OpenAI text-embedding-3-small; change the dimension to match your model.
-- The vector extension is created before the migrations run (Pulumi Extension resource, or `npm run local`).
-- The foreign key takes a SHARE ROW EXCLUSIVE lock on documents: give up quickly rather than queue behind
-- long transactions and block every writer meanwhile.
-- migrate:set lock_timeout = '5s'
CREATE TABLE chunks (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  document_id bigint NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  chunk_index integer NOT NULL CHECK (chunk_index >= 0),
  content text NOT NULL,
  embedding vector(1536),
  content_tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', content)) STORED,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT chunks_document_chunk_key UNIQUE (document_id, chunk_index)
);

-- Keyword side of hybrid search: content_tsv @@ websearch_to_tsquery('english', ...).
CREATE INDEX chunks_content_tsv_idx ON chunks USING gin (content_tsv);
