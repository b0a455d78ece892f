-- A team's customers and orders: the data the dashboard shows, edits, imports and exports.
--
-- Any member of a team reads its rows. Owners, admins and members insert, update and delete
-- them, and viewers only read.

create type public.order_status as enum ('open', 'paid', 'shipped', 'cancelled');

-- Keeps updated_at current on every update, whoever makes it.
create function public.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Only triggers call it, and a trigger does not need the caller's execute privilege.
revoke execute on function public.set_updated_at() from public, anon, authenticated;

create table public.customers (
  id bigint generated always as identity primary key,
  team_id uuid not null references public.account_groups (id) on delete cascade,
  customer_no text not null,
  name text not null,
  email text,
  postcode text,
  city text,
  revenue numeric(14, 2),
  created_on date,
  active boolean not null default true,
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, customer_no),
  -- The target of the orders foreign key below, which keeps an order and its customer in one team.
  unique (id, team_id)
);
alter table public.customers enable row level security;

comment on table public.customers is 'A team''s customers. Members read them; viewers cannot change them.';

-- Paging through a team's customers in id order.
create index customers_team_id_id_idx on public.customers (team_id, id);

create trigger customers_set_updated_at
  before update on public.customers
  for each row execute function public.set_updated_at();

create table public.orders (
  id bigint generated always as identity primary key,
  team_id uuid not null references public.account_groups (id) on delete cascade,
  order_no text not null,
  customer_id bigint,
  customer_email text,
  ordered_on date not null,
  amount numeric(12, 2) not null,
  status public.order_status not null default 'open',
  note text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (team_id, order_no),
  -- A foreign key on (customer_id, team_id) rather than customer_id alone, because the
  -- foreign key check ignores RLS: with customer_id alone a member of one team could attach
  -- an order to another team's customer. Deleting the customer clears customer_id only
  -- (a column list after set null needs PostgreSQL 15 or later).
  foreign key (customer_id, team_id) references public.customers (id, team_id)
    on delete set null (customer_id)
);
alter table public.orders enable row level security;

comment on table public.orders is 'A team''s orders. Members read them; viewers cannot change them.';

-- Paging in id order, and filtering or charting by order date.
create index orders_team_id_id_idx on public.orders (team_id, id);
create index orders_team_id_ordered_on_idx on public.orders (team_id, ordered_on);
-- Deleting a customer looks up its orders.
create index orders_customer_id_idx on public.orders (customer_id);

create trigger orders_set_updated_at
  before update on public.orders
  for each row execute function public.set_updated_at();

-- Privileges: the API roles may use the tables and RLS picks the rows. Truncate, references
-- and trigger are not granted, because truncate ignores row-level security. Inserting into
-- an identity column needs no privilege on its sequence.
revoke all on public.customers, public.orders from anon, authenticated;
grant select, insert, update, delete on public.customers, public.orders to authenticated;
grant select on public.customers, public.orders to anon;
grant all on public.customers, public.orders to service_role;

-- Every policy applies to the authenticated role only: anon matches no policy and reads no rows.

create policy "Members can read their team's customers"
  on public.customers
  for select
  to authenticated
  using (team_id in (select public.team_ids_with_role('viewer')));

create policy "Members can add customers to their team"
  on public.customers
  for insert
  to authenticated
  with check (team_id in (select public.team_ids_with_role('member')));

create policy "Members can edit their team's customers"
  on public.customers
  for update
  to authenticated
  using (team_id in (select public.team_ids_with_role('member')))
  with check (team_id in (select public.team_ids_with_role('member')));

create policy "Members can delete their team's customers"
  on public.customers
  for delete
  to authenticated
  using (team_id in (select public.team_ids_with_role('member')));

create policy "Members can read their team's orders"
  on public.orders
  for select
  to authenticated
  using (team_id in (select public.team_ids_with_role('viewer')));

create policy "Members can add orders to their team"
  on public.orders
  for insert
  to authenticated
  with check (team_id in (select public.team_ids_with_role('member')));

create policy "Members can edit their team's orders"
  on public.orders
  for update
  to authenticated
  using (team_id in (select public.team_ids_with_role('member')))
  with check (team_id in (select public.team_ids_with_role('member')));

create policy "Members can delete their team's orders"
  on public.orders
  for delete
  to authenticated
  using (team_id in (select public.team_ids_with_role('member')));
