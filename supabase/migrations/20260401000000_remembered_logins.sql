-- Remembered logins shared by every app replica: the sha256 of a cookie handle mapped to a refresh
-- token that the app encrypted with Fernet (SESSION_ENCRYPTION_KEY) before sending it.
--
-- The table lives in `private`, which the API does not serve. The app reaches it only through the
-- public.remembered_login_* functions, which take the handle itself, hash it in SQL and never
-- return the handle or its hash. Whoever knows a handle may use it, so the handle is the secret.
--
-- A lease (lease_id, leased_until) lets one refresh at a time use a row's token, so the rotated
-- token is written back before the next replica reads it.
--
-- The security-definer functions live in `private` and set an empty search_path. The public
-- functions are security invoker wrappers, because signed-out browsers (the anon role) must be able
-- to restore a remembered login and no public security-definer function may be executable by anon.

create table private.remembered_logins (
  handle_hash text primary key,
  user_id uuid references auth.users on delete cascade,
  encrypted_token text not null,
  expires_at timestamptz not null,
  lease_id uuid,
  leased_until timestamptz,
  updated_at timestamptz default now()
);

alter table private.remembered_logins enable row level security;

comment on table private.remembered_logins is
  'Remembered logins: sha256 of the cookie handle, the Fernet-encrypted refresh token, expiry and '
  'the refresh lease. RLS is enabled with no policy on purpose: no API role may read or write rows '
  'directly, only the public.remembered_login_* functions may.';

-- The API roles call the private functions through the public wrappers, so they need usage on the
-- schema. They get no privilege on any table in it.
grant usage on schema private to anon, authenticated;

create function private.remembered_login_hash(handle text)
returns text
language sql
immutable
set search_path = ''
as $$
  select pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(handle, 'UTF8')), 'hex')
$$;

create function private.remembered_login_create(handle text, encrypted_token text, lifetime_seconds int)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
begin
  if caller is null then
    raise exception 'Sign in first.' using errcode = '42501';
  end if;
  if lifetime_seconds is null or lifetime_seconds < 1 then
    raise exception 'lifetime_seconds must be 1 or more.' using errcode = '22023';
  end if;

  delete from private.remembered_logins as r where r.expires_at <= pg_catalog.now();

  insert into private.remembered_logins (handle_hash, user_id, encrypted_token, expires_at)
  values (
    private.remembered_login_hash(handle),
    caller,
    encrypted_token,
    pg_catalog.now() + pg_catalog.make_interval(secs => lifetime_seconds)
  );
end
$$;

create function private.remembered_login_checkout(handle text, lease_seconds int)
returns table (status text, encrypted_token text, lease_id uuid)
language plpgsql
security definer
set search_path = ''
as $$
declare
  entry private.remembered_logins%rowtype;
  new_lease uuid := pg_catalog.gen_random_uuid();
begin
  -- A lease covers one token refresh. The upper bound keeps a caller from locking a handle for long.
  if lease_seconds is null or lease_seconds < 1 or lease_seconds > 300 then
    raise exception 'lease_seconds must be between 1 and 300.' using errcode = '22023';
  end if;

  delete from private.remembered_logins as r where r.expires_at <= pg_catalog.now();

  select * into entry
  from private.remembered_logins as r
  where r.handle_hash = private.remembered_login_hash(handle)
  for update;

  if not found then
    return query select 'missing'::text, null::text, null::uuid;
    return;
  end if;
  if entry.leased_until is not null and entry.leased_until > pg_catalog.now() then
    return query select 'busy'::text, null::text, null::uuid;
    return;
  end if;

  update private.remembered_logins as r
  set lease_id = new_lease,
      leased_until = pg_catalog.now() + pg_catalog.make_interval(secs => lease_seconds),
      updated_at = pg_catalog.now()
  where r.handle_hash = entry.handle_hash;

  return query select 'ok'::text, entry.encrypted_token, new_lease;
end
$$;

create function private.remembered_login_replace(handle text, lease_id uuid, encrypted_token text)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with changed as (
    update private.remembered_logins as r
    set encrypted_token = remembered_login_replace.encrypted_token, updated_at = pg_catalog.now()
    where r.handle_hash = private.remembered_login_hash(handle)
      and r.lease_id = remembered_login_replace.lease_id
      and r.leased_until > pg_catalog.now()
    returning 1
  )
  select exists (select from changed)
$$;

create function private.remembered_login_release(handle text, lease_id uuid)
returns boolean
language sql
security definer
set search_path = ''
as $$
  with changed as (
    update private.remembered_logins as r
    set lease_id = null, leased_until = null, updated_at = pg_catalog.now()
    where r.handle_hash = private.remembered_login_hash(handle)
      and r.lease_id = remembered_login_release.lease_id
    returning 1
  )
  select exists (select from changed)
$$;

create function private.remembered_login_delete(handle text)
returns void
language sql
security definer
set search_path = ''
as $$
  delete from private.remembered_logins as r
  where r.handle_hash = private.remembered_login_hash(handle)
     or r.expires_at <= pg_catalog.now()
$$;

create function public.remembered_login_create(handle text, encrypted_token text, lifetime_seconds int)
returns void language sql security invoker set search_path = ''
as $$ select private.remembered_login_create(handle, encrypted_token, lifetime_seconds) $$;

create function public.remembered_login_checkout(handle text, lease_seconds int)
returns table (status text, encrypted_token text, lease_id uuid) language sql security invoker set search_path = ''
as $$ select * from private.remembered_login_checkout(handle, lease_seconds) $$;

create function public.remembered_login_replace(handle text, lease_id uuid, encrypted_token text)
returns boolean language sql security invoker set search_path = ''
as $$ select private.remembered_login_replace(handle, lease_id, encrypted_token) $$;

create function public.remembered_login_release(handle text, lease_id uuid)
returns boolean language sql security invoker set search_path = ''
as $$ select private.remembered_login_release(handle, lease_id) $$;

create function public.remembered_login_delete(handle text)
returns void language sql security invoker set search_path = ''
as $$ select private.remembered_login_delete(handle) $$;

revoke execute on function
  private.remembered_login_hash(text),
  private.remembered_login_create(text, text, int),
  private.remembered_login_checkout(text, int),
  private.remembered_login_replace(text, uuid, text),
  private.remembered_login_release(text, uuid),
  private.remembered_login_delete(text),
  public.remembered_login_create(text, text, int),
  public.remembered_login_checkout(text, int),
  public.remembered_login_replace(text, uuid, text),
  public.remembered_login_release(text, uuid),
  public.remembered_login_delete(text)
from public, anon, authenticated;

-- Creating needs a signed-in user, whose id is stored with the row. Every other call needs only
-- the handle, because a signed-out browser restores its login with it.
grant execute on function
  private.remembered_login_create(text, text, int),
  public.remembered_login_create(text, text, int)
to authenticated;

grant execute on function
  private.remembered_login_checkout(text, int),
  private.remembered_login_replace(text, uuid, text),
  private.remembered_login_release(text, uuid),
  private.remembered_login_delete(text),
  public.remembered_login_checkout(text, int),
  public.remembered_login_replace(text, uuid, text),
  public.remembered_login_release(text, uuid),
  public.remembered_login_delete(text)
to anon, authenticated;
