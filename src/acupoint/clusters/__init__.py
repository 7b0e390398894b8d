"""Key industrial clusters (重点工业产业集聚区): membership, creation standards, the race."""
