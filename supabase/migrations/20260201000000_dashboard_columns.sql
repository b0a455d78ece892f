-- The tables and columns a signed-in user may read, so the app can list tables and type its cells.
--
-- information_schema lists only tables and columns the current role holds a privilege on, and
-- these functions run as their caller (security invoker), so they describe exactly what the
-- caller may read. The select checks below leave out what the caller may only insert or update.
-- Row-level security still decides which rows the caller reads.

create function public.dashboard_columns(table_name text)
returns table (column_name text, data_type text, ordinal integer, key_position integer)
language sql
stable
security invoker
set search_path = ''
as $$
  select c.column_name::text,
         c.data_type::text,
         c.ordinal_position::integer,
         k.ordinal_position::integer
  from information_schema.columns as c
  left join information_schema.table_constraints as t
    on t.table_schema = c.table_schema
   and t.table_name = c.table_name
   and t.constraint_type = 'PRIMARY KEY'
  left join information_schema.key_column_usage as k
    on k.constraint_schema = t.constraint_schema
   and k.constraint_name = t.constraint_name
   and k.table_name = c.table_name
   and k.column_name = c.column_name
  where c.table_schema = 'public'
    and c.table_name = dashboard_columns.table_name
    and pg_catalog.has_column_privilege(
      pg_catalog.format('%I.%I', c.table_schema, c.table_name), c.column_name, 'SELECT'
    )
  order by c.ordinal_position
$$;

comment on function public.dashboard_columns(text) is
  'The name, SQL data type (as information_schema.columns spells it), position and primary key '
  'position (NULL outside the key) of each column of public.<table_name> that the caller may select. '
  'Empty for an unknown table or one the caller may not read.';

create function public.dashboard_tables()
-- Two columns, because PostgREST servers differ on whether a one-column result is sent as
-- objects or as bare values.
returns table (table_name text, table_type text)
language sql
stable
security invoker
set search_path = ''
as $$
  select t.table_name::text, t.table_type::text
  from information_schema.tables as t
  where t.table_schema = 'public'
    and t.table_type in ('BASE TABLE', 'VIEW')
    and pg_catalog.has_table_privilege(pg_catalog.format('%I.%I', t.table_schema, t.table_name), 'SELECT')
  order by t.table_name
$$;

comment on function public.dashboard_tables() is
  'The tables and views in public that the caller may select from, by name, with their '
  'information_schema table_type (BASE TABLE or VIEW).';

-- A signed-in user's table views and exports call them. Anon reads no team data, so it gets no use for them.
revoke execute on function public.dashboard_columns(text) from public, anon;
revoke execute on function public.dashboard_tables() from public, anon;
grant execute on function public.dashboard_columns(text) to authenticated, service_role;
grant execute on function public.dashboard_tables() to authenticated, service_role;
