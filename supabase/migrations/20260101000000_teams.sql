-- Teams, who belongs to them with which role, and pending invitations.
--
-- Every row a user may reach through the API hangs off a team. The API roles get table
-- privileges below, and row-level security decides which rows they reach: a signed-in user
-- reaches the rows of the teams they are a member of, and the anon role reaches none.

-- Declared from most to least privileged. The helper functions compare roles with `<=`, so a
-- new role must be added at its rank (`alter type ... add value ... before ...`), not at the end.
create type public.team_role as enum ('owner', 'admin', 'member', 'viewer');

create table public.account_groups (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  created_at timestamptz not null default now()
);
alter table public.account_groups enable row level security;

comment on table public.account_groups is
  'Teams. Members can read their own teams. There is no insert, update or delete policy on purpose: '
  'teams are created and renamed with the service role until team administration exists.';

create table public.memberships (
  user_id uuid not null references auth.users (id) on delete cascade,
  team_id uuid not null references public.account_groups (id) on delete cascade,
  role public.team_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (user_id, team_id)
);
alter table public.memberships enable row level security;

-- The primary key (user_id, team_id) serves look-ups by user, and this index serves
-- look-ups of who is in a team.
create index memberships_team_id_idx on public.memberships (team_id);

comment on table public.memberships is
  'Who belongs to which team, with which role. Read-only through the API for now: there is no '
  'insert, update or delete policy on purpose, because changing roles and accepting invitations '
  'are not built yet. Until then memberships are written with the service role.';

create table public.invited_users (
  id uuid primary key default gen_random_uuid(),
  team_id uuid not null references public.account_groups (id) on delete cascade,
  email text not null,
  role public.team_role not null default 'member',
  -- Filled with the inviting user when the client does not send it.
  invited_by uuid references auth.users (id) on delete set null default auth.uid(),
  created_at timestamptz not null default now(),
  unique (team_id, email)
);
alter table public.invited_users enable row level security;

comment on table public.invited_users is
  'Pending invitations: an email address invited to a team with a role. Admins and owners manage them.';

-- The helpers below run as their owner (security definer) for two reasons. Policies on
-- memberships that queried memberships directly would recurse, and a policy on another
-- table should not depend on which memberships rows the caller may read.
-- They live in public so that the app can also call them through the API (rpc), which
-- exposes only public. An empty search_path and fully qualified names keep objects a caller
-- creates elsewhere from being picked up inside them.

create function public.team_ids_with_role(min_role public.team_role)
returns setof uuid
language sql
stable
security definer
-- A user is in a few teams, not the planner's default guess of 1000 rows.
rows 10
set search_path = ''
as $$
  -- team_role is declared from most to least privileged, so `<=` means "at least".
  select m.team_id
  from public.memberships as m
  where m.user_id = (select auth.uid())
    and m.role <= team_ids_with_role.min_role
$$;

comment on function public.team_ids_with_role(public.team_role) is
  'The teams in which the signed-in user (auth.uid()) has min_role or a higher role. '
  'Policies use it as `team_id in (select public.team_ids_with_role(...))`, which runs once per '
  'query instead of once per row.';

create function public.is_team_member(team_id uuid)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select
    from public.memberships as m
    where m.user_id = (select auth.uid())
      and m.team_id = is_team_member.team_id
  )
$$;

comment on function public.is_team_member(uuid) is
  'Whether the signed-in user (auth.uid()) has any role in the team.';

create function public.has_team_role(team_id uuid, min_role public.team_role)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select
    from public.memberships as m
    where m.user_id = (select auth.uid())
      and m.team_id = has_team_role.team_id
      and m.role <= has_team_role.min_role
  )
$$;

comment on function public.has_team_role(uuid, public.team_role) is
  'Whether the signed-in user (auth.uid()) has min_role or a higher role in the team '
  '(owner > admin > member > viewer).';

-- The default privileges of the public schema grant execute to anon. The helpers only make
-- sense for a signed-in user, and the policies that call them apply to authenticated only.
revoke execute on function public.team_ids_with_role(public.team_role) from public, anon;
revoke execute on function public.is_team_member(uuid) from public, anon;
revoke execute on function public.has_team_role(uuid, public.team_role) from public, anon;
grant execute on function public.team_ids_with_role(public.team_role) to authenticated, service_role;
grant execute on function public.is_team_member(uuid) to authenticated, service_role;
grant execute on function public.has_team_role(uuid, public.team_role) to authenticated, service_role;

-- Privileges: the API roles may use the tables and RLS picks the rows. Truncate, references
-- and trigger are not granted, because truncate ignores row-level security.
revoke all on public.account_groups, public.memberships, public.invited_users from anon, authenticated;
grant select, insert, update, delete
  on public.account_groups, public.memberships, public.invited_users to authenticated;
grant select on public.account_groups, public.memberships, public.invited_users to anon;
grant all on public.account_groups, public.memberships, public.invited_users to service_role;

-- Every policy applies to the authenticated role only: anon matches no policy and reads no rows.
-- Viewer is the lowest role, so team_ids_with_role('viewer') returns all of the user's teams.

create policy "Members can read their own teams"
  on public.account_groups
  for select
  to authenticated
  using (id in (select public.team_ids_with_role('viewer')));

create policy "Members can read their team's memberships"
  on public.memberships
  for select
  to authenticated
  using (team_id in (select public.team_ids_with_role('viewer')));

-- An admin may invite, change and withdraw invitations up to their own role, so an admin
-- cannot hand out the owner role by invitation. Invitations are few, so the per-row
-- has_team_role() call costs little here.

create policy "Admins can read their team's invitations"
  on public.invited_users
  for select
  to authenticated
  using (team_id in (select public.team_ids_with_role('admin')));

create policy "Admins can invite people to their team"
  on public.invited_users
  for insert
  to authenticated
  with check (
    team_id in (select public.team_ids_with_role('admin'))
    and public.has_team_role(team_id, role)
    and invited_by = (select auth.uid())
  );

create policy "Admins can change their team's invitations"
  on public.invited_users
  for update
  to authenticated
  using (team_id in (select public.team_ids_with_role('admin')) and public.has_team_role(team_id, role))
  with check (team_id in (select public.team_ids_with_role('admin')) and public.has_team_role(team_id, role));

create policy "Admins can withdraw their team's invitations"
  on public.invited_users
  for delete
  to authenticated
  using (team_id in (select public.team_ids_with_role('admin')) and public.has_team_role(team_id, role));
