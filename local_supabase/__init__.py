"""A local Supabase-compatible backend (auth and PostgREST-style REST) on an embedded PostgreSQL."""
