"""Reading and writing files at the edge: JSONL with line-numbered errors, atomic writes."""
