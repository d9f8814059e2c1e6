"""What-ifs and versions: what-if changes to a workbook, the next batch's
rotation, and the versioned scenario store (SQLite or PostgreSQL)."""
