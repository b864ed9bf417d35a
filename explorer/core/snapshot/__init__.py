"""The snapshot format: the model as a versioned JSON document and back (reading and writing files is the store's)."""
