-- Team administration: reading the signed-in user's teams and roles, changing roles, removing
-- members, leaving a team, accepting invitations, and the allowed email domains.
--
-- memberships keeps its single select policy and gets no insert, update or delete policy: every
-- write goes through the security-definer functions below, which check the caller's role in the
-- team first. A member who sends an update to /rest/v1/memberships changes no row.
--
-- Security-definer functions run as their owner, so each one sets an empty search_path and names
-- every object with its schema, so that objects a caller creates elsewhere are never picked up.

comment on table public.memberships is
  'Who belongs to which team, with which role. There is no insert, update or delete policy on '
  'purpose: roles change through public.change_member_role, public.remove_member, '
  'public.leave_team and invitation acceptance, which check the caller''s role first.';

comment on table public.account_groups is
  'Teams. Members can read their own teams. There is no insert, update or delete policy on purpose: '
  'public.create_team_with_owner creates a team, and only the service role and the SQL editor may call it.';

-- Settings the API must not expose. The API serves only the public schema (and storage), so a
-- table in `private` is reachable from SQL and from security-definer functions alone.
create schema if not exists private;
revoke all on schema private from public, anon, authenticated;

create table private.auth_settings (
  -- One row: the primary key can only be true.
  id boolean primary key default true check (id),
  -- Lower-case domains such as 'example.com'. Empty means any domain may sign up.
  allowed_email_domains text[] not null default '{}',
  -- False closes sign-up to everyone without a pending invitation, even where the auth server
  -- itself accepts sign-ups (which invited people need when no invitation email is sent).
  signup_open boolean not null default true
);
insert into private.auth_settings default values;

comment on table private.auth_settings is
  'Auth rules kept in the database, checked for every new user (sign-up, one-time code, OAuth, '
  'invitation, admin API). A pending invitation in public.invited_users always allows the address. '
  'Otherwise signup_open must be true and, when allowed_email_domains is not empty, the address '
  'must be in one of its domains. Example: `update private.auth_settings set '
  'allowed_email_domains = ''{example.com}''`.';

-- The signed-in user's teams and roles. Security invoker, so the caller's own RLS policies on
-- memberships and account_groups decide the rows, exactly as for a plain select.
create function public.my_teams()
returns table (team_id uuid, name text, role public.team_role)
language sql
stable
security invoker
set search_path = ''
as $$
  select m.team_id, g.name, m.role
  from public.memberships as m
  join public.account_groups as g on g.id = m.team_id
  where m.user_id = (select auth.uid())
  order by lower(g.name), m.team_id
$$;

comment on function public.my_teams() is
  'The signed-in user''s teams with the user''s role in each, sorted by team name. Runs with the '
  'caller''s privileges, so RLS applies.';

-- The caller's role in a team, or null when the caller is not a member. Raises when nobody is
-- signed in, so every function below starts with the same check.
create function private.caller_role(team_id uuid)
returns public.team_role
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  found_role public.team_role;
begin
  if caller is null then
    raise exception 'Sign in first.' using errcode = '42501';
  end if;

  select m.role into found_role
  from public.memberships as m
  where m.team_id = caller_role.team_id
    and m.user_id = caller;
  return found_role;
end
$$;

-- Lock the team's owner rows and count them, so two concurrent demotions cannot both see a
-- second owner and leave the team with none.
create function private.lock_owner_count(team_id uuid)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owners integer;
begin
  perform 1
  from public.memberships as m
  where m.team_id = lock_owner_count.team_id
    and m.role = 'owner'
  for update;

  select count(*) into owners
  from public.memberships as m
  where m.team_id = lock_owner_count.team_id
    and m.role = 'owner';
  return owners;
end
$$;

create function public.change_member_role(team_id uuid, user_id uuid, new_role public.team_role)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  acting_role public.team_role := private.caller_role(change_member_role.team_id);
  target_role public.team_role;
begin
  -- team_role is declared from most to least privileged, so `>` means "lower than".
  if acting_role is null or acting_role > 'admin' then
    raise exception 'Only admins and owners of this team can change roles.' using errcode = '42501';
  end if;

  if new_role is null then
    raise exception 'Choose a role.' using errcode = 'P0001';
  end if;

  select m.role into target_role
  from public.memberships as m
  where m.team_id = change_member_role.team_id
    and m.user_id = change_member_role.user_id
  for update;
  if target_role is null then
    raise exception 'That person is not a member of this team.' using errcode = 'P0001';
  end if;

  if (target_role = 'owner' or new_role = 'owner') and acting_role <> 'owner' then
    raise exception 'Only owners can grant the owner role or change an owner''s role.' using errcode = '42501';
  end if;

  if target_role = 'owner' and new_role <> 'owner'
     and private.lock_owner_count(change_member_role.team_id) <= 1 then
    raise exception 'The team''s last owner cannot be demoted. Make someone else an owner first.'
      using errcode = 'P0001';
  end if;

  update public.memberships as m
  set role = new_role
  where m.team_id = change_member_role.team_id
    and m.user_id = change_member_role.user_id;
end
$$;

comment on function public.change_member_role(uuid, uuid, public.team_role) is
  'Set a member''s role. Admins and owners may call it; only owners grant owner or change an owner; '
  'the last owner cannot be demoted.';

create function public.remove_member(team_id uuid, user_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  acting_role public.team_role := private.caller_role(remove_member.team_id);
  target_role public.team_role;
begin
  if acting_role is null or acting_role > 'admin' then
    raise exception 'Only admins and owners of this team can remove members.' using errcode = '42501';
  end if;

  select m.role into target_role
  from public.memberships as m
  where m.team_id = remove_member.team_id
    and m.user_id = remove_member.user_id
  for update;
  if target_role is null then
    raise exception 'That person is not a member of this team.' using errcode = 'P0001';
  end if;

  if target_role = 'owner' and acting_role <> 'owner' then
    raise exception 'Only owners can remove an owner.' using errcode = '42501';
  end if;

  if target_role = 'owner' and private.lock_owner_count(remove_member.team_id) <= 1 then
    raise exception 'The team''s last owner cannot be removed. Make someone else an owner first.'
      using errcode = 'P0001';
  end if;

  delete from public.memberships as m
  where m.team_id = remove_member.team_id
    and m.user_id = remove_member.user_id;
end
$$;

comment on function public.remove_member(uuid, uuid) is
  'Remove a member from a team. Admins and owners may call it; only owners remove an owner; the last '
  'owner cannot be removed.';

create function public.leave_team(team_id uuid)
returns void
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  acting_role public.team_role := private.caller_role(leave_team.team_id);
begin
  if acting_role is null then
    raise exception 'You are not a member of this team.' using errcode = 'P0001';
  end if;

  if acting_role = 'owner' and private.lock_owner_count(leave_team.team_id) <= 1 then
    raise exception 'You are the team''s last owner. Make someone else an owner before you leave.'
      using errcode = 'P0001';
  end if;

  delete from public.memberships as m
  where m.team_id = leave_team.team_id
    and m.user_id = (select auth.uid());
end
$$;

comment on function public.leave_team(uuid) is
  'Remove the signed-in user from a team, unless they are its last owner.';

create function public.team_members(team_id uuid)
returns table (user_id uuid, email text, role public.team_role, created_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  acting_role public.team_role := private.caller_role(team_members.team_id);
begin
  -- Email addresses live in auth.users, which the API does not expose, so only the people who
  -- manage the team see them.
  if acting_role is null or acting_role > 'admin' then
    raise exception 'Only admins and owners of this team can list its members.' using errcode = '42501';
  end if;

  return query
    select m.user_id, u.email::text, m.role, m.created_at
    from public.memberships as m
    join auth.users as u on u.id = m.user_id
    where m.team_id = team_members.team_id
    order by m.role, lower(u.email);
end
$$;

comment on function public.team_members(uuid) is
  'The members of a team with their email addresses and roles, for the team''s admins and owners.';

-- Invitation acceptance: the user joins every team that invited their email address, with the
-- invited role, and the invitations are deleted. A user who is already a member keeps their role.
create function private.accept_invites(user_id uuid, email text)
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  joined integer;
begin
  if email is null then
    return 0;
  end if;

  insert into public.memberships (user_id, team_id, role)
  select accept_invites.user_id, i.team_id, i.role
  from public.invited_users as i
  where lower(i.email) = lower(accept_invites.email)
  on conflict on constraint memberships_pkey do nothing;
  get diagnostics joined = row_count;

  delete from public.invited_users as i
  where lower(i.email) = lower(accept_invites.email);
  return joined;
end
$$;

-- Runs after a new user is stored and after a sign-in or email confirmation. Only a confirmed
-- email address accepts an invitation, so signing up with someone else's address joins nothing.
create function private.accept_invites_on_sign_in()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if new.email_confirmed_at is not null then
    perform private.accept_invites(new.id, new.email);
  end if;
  return new;
end
$$;

create trigger accept_invites_on_sign_in
  after insert or update of email_confirmed_at, last_sign_in_at on auth.users
  for each row
  execute function private.accept_invites_on_sign_in();

create function public.accept_my_invites()
returns integer
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  confirmed_email text;
begin
  if (select auth.uid()) is null then
    raise exception 'Sign in first.' using errcode = '42501';
  end if;

  select u.email::text into confirmed_email
  from auth.users as u
  where u.id = (select auth.uid())
    and u.email_confirmed_at is not null;
  return private.accept_invites((select auth.uid()), confirmed_email);
end
$$;

comment on function public.accept_my_invites() is
  'Join the teams that invited the signed-in user''s confirmed email address. Returns how many '
  'teams were joined. The sign-in trigger on auth.users does the same; this is the fallback.';

-- Who may become a user, checked for every new user and every changed address, whichever way
-- the user arrives (sign-up, one-time code, OAuth, invitation, the admin API). Sign-in of users
-- who already exist is not checked here.
create function private.check_new_user_email()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  open_signup boolean;
  domains text[];
  domain text := lower(split_part(new.email, '@', 2));
begin
  if new.email is null then
    return new;
  end if;

  -- An invited address is allowed whatever the settings.
  if exists (select from public.invited_users as i where lower(i.email) = lower(new.email)) then
    return new;
  end if;

  select s.signup_open, s.allowed_email_domains into open_signup, domains from private.auth_settings as s;
  if tg_op = 'INSERT' and open_signup is false then
    raise exception 'Sign-up is by invitation only. Ask a team admin to invite %.', new.email
      using errcode = '42501';
  end if;

  if coalesce(cardinality(domains), 0) > 0 and not domain = any (domains) then
    raise exception 'Email addresses at % cannot sign up here.', domain using errcode = '42501';
  end if;
  return new;
end
$$;

create trigger check_new_user_email
  before insert or update of email on auth.users
  for each row
  execute function private.check_new_user_email();

-- The first team of a hosted project, run once from the SQL editor or with the service role:
--   select public.create_team_with_owner('Acme', 'alice@example.com');
create function public.create_team_with_owner(name text, owner_email text)
returns uuid
language plpgsql
volatile
security definer
set search_path = ''
as $$
declare
  owner_id uuid;
  new_team_id uuid;
begin
  select u.id into owner_id
  from auth.users as u
  where lower(u.email) = lower(owner_email);
  if owner_id is null then
    raise exception 'No user with the email address % exists. Sign up first.', owner_email
      using errcode = 'P0001';
  end if;

  insert into public.account_groups (name)
  values (create_team_with_owner.name)
  returning id into new_team_id;

  insert into public.memberships (user_id, team_id, role)
  values (owner_id, new_team_id, 'owner');
  return new_team_id;
end
$$;

comment on function public.create_team_with_owner(text, text) is
  'Create a team with an existing user as its owner. Only the service role and the database owner '
  '(the SQL editor) may call it.';

-- The default privileges of the public schema grant execute to everyone. Each function is granted
-- back only to the roles that call it.
revoke execute on function public.my_teams() from public, anon;
revoke execute on function public.change_member_role(uuid, uuid, public.team_role) from public, anon;
revoke execute on function public.remove_member(uuid, uuid) from public, anon;
revoke execute on function public.leave_team(uuid) from public, anon;
revoke execute on function public.team_members(uuid) from public, anon;
revoke execute on function public.accept_my_invites() from public, anon;
revoke execute on function public.create_team_with_owner(text, text) from public, anon, authenticated;
revoke execute on all functions in schema private from public, anon, authenticated;

grant execute on function public.my_teams() to authenticated, service_role;
grant execute on function public.change_member_role(uuid, uuid, public.team_role) to authenticated;
grant execute on function public.remove_member(uuid, uuid) to authenticated;
grant execute on function public.leave_team(uuid) to authenticated;
grant execute on function public.team_members(uuid) to authenticated;
grant execute on function public.accept_my_invites() to authenticated;
grant execute on function public.create_team_with_owner(text, text) to service_role;
