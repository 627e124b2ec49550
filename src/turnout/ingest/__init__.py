"""Getting data in: demo data generator and bulk import."""
