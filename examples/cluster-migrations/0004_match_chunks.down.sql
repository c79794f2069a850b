DROP FUNCTION match_chunks(vector, text, integer, integer);
