-- Demo data for development and tests: two teams, seven users, and their customers and orders.
--
-- Every user signs in with the password `demo-password`. The data is deterministic: fixed
-- ids, and rows derived from generate_series with modular arithmetic instead of random(),
-- so every reset produces the same rows and tests can count them.
--
--   Acme   (20000000-0000-4000-8000-000000000001): 200 customers, 2,500 orders ACME-000001 ...
--   Globex (20000000-0000-4000-8000-000000000002): 200 customers, 1,200 orders GLX-000001 ...
--
--   alice@example.com  Acme owner
--   bob@example.com    Acme member
--   dave@example.com   Acme viewer
--   carol@example.com  Globex admin
--   erin@example.com   Globex member
--   frank@example.com  Globex viewer
--   gina@example.com   Acme member and Globex viewer

-- Users and their email identities, as the auth server would store them after sign-up and
-- email confirmation. The token columns are empty strings, not NULL, because Supabase Auth
-- (GoTrue) scans them into strings and fails sign-in with "Database error querying schema"
-- when one is NULL.
with seed_user (id, identity_id, email, full_name) as (
  values
    ('10000000-0000-4000-8000-000000000001'::uuid, '11000000-0000-4000-8000-000000000001'::uuid, 'alice@example.com', 'Alice Archer'),
    ('10000000-0000-4000-8000-000000000002'::uuid, '11000000-0000-4000-8000-000000000002'::uuid, 'bob@example.com', 'Bob Baker'),
    ('10000000-0000-4000-8000-000000000003'::uuid, '11000000-0000-4000-8000-000000000003'::uuid, 'carol@example.com', 'Carol Chen'),
    ('10000000-0000-4000-8000-000000000004'::uuid, '11000000-0000-4000-8000-000000000004'::uuid, 'dave@example.com', 'Dave Dietrich'),
    ('10000000-0000-4000-8000-000000000005'::uuid, '11000000-0000-4000-8000-000000000005'::uuid, 'erin@example.com', 'Erin Evans'),
    ('10000000-0000-4000-8000-000000000006'::uuid, '11000000-0000-4000-8000-000000000006'::uuid, 'frank@example.com', 'Frank Fischer'),
    ('10000000-0000-4000-8000-000000000007'::uuid, '11000000-0000-4000-8000-000000000007'::uuid, 'gina@example.com', 'Gina Garcia')
),
new_user as (
  insert into auth.users (
    instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
    confirmation_token, recovery_token, email_change,
    raw_app_meta_data, raw_user_meta_data, created_at, updated_at
  )
  select
    '00000000-0000-0000-0000-000000000000',
    id,
    'authenticated',
    'authenticated',
    email,
    -- bcrypt (cost 10) of `demo-password`.
    '$2b$10$x39XL2F0BDbqCqXM29mYLu8GF3jhpv9Pv3ctgDmvhfKSmUrJNzv12',
    now(),
    '',
    '',
    '',
    '{"provider": "email", "providers": ["email"]}'::jsonb,
    jsonb_build_object('full_name', full_name),
    timestamptz '2024-01-02 09:00:00+00',
    timestamptz '2024-01-02 09:00:00+00'
  from seed_user
  returning id
)
insert into auth.identities (
  id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at
)
select
  seed_user.identity_id,
  seed_user.id::text,
  new_user.id,
  jsonb_build_object('sub', seed_user.id::text, 'email', seed_user.email, 'email_verified', true),
  'email',
  timestamptz '2024-01-02 09:00:00+00',
  timestamptz '2024-01-02 09:00:00+00',
  timestamptz '2024-01-02 09:00:00+00'
from seed_user
join new_user on new_user.id = seed_user.id;

-- The hosted auth schema has one more such token column. The local backend's auth schema
-- does not have it, so it is set only where it exists.
do $$
begin
  if exists (
    select
    from information_schema.columns
    where table_schema = 'auth'
      and table_name = 'users'
      and column_name = 'email_change_token_new'
  ) then
    update auth.users
    set email_change_token_new = ''
    where email_change_token_new is null
      and email like '%@example.com';
  end if;
end
$$;

insert into public.account_groups (id, name, created_at)
values
  ('20000000-0000-4000-8000-000000000001', 'Acme', timestamptz '2024-01-02 09:00:00+00'),
  ('20000000-0000-4000-8000-000000000002', 'Globex', timestamptz '2024-01-02 09:00:00+00');

insert into public.memberships (user_id, team_id, role, created_at)
values
  ('10000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'owner', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000001', 'member', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000004', '20000000-0000-4000-8000-000000000001', 'viewer', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000007', '20000000-0000-4000-8000-000000000001', 'member', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000003', '20000000-0000-4000-8000-000000000002', 'admin', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000005', '20000000-0000-4000-8000-000000000002', 'member', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000006', '20000000-0000-4000-8000-000000000002', 'viewer', timestamptz '2024-01-02 09:00:00+00'),
  ('10000000-0000-4000-8000-000000000007', '20000000-0000-4000-8000-000000000002', 'viewer', timestamptz '2024-01-02 09:00:00+00');

-- One pending invitation per team, for the team administration page.
insert into public.invited_users (id, team_id, email, role, invited_by, created_at)
values
  ('30000000-0000-4000-8000-000000000001', '20000000-0000-4000-8000-000000000001', 'henry@example.com', 'member',
   '10000000-0000-4000-8000-000000000001', timestamptz '2025-11-20 10:15:00+00'),
  ('30000000-0000-4000-8000-000000000002', '20000000-0000-4000-8000-000000000002', 'ivy@example.com', 'viewer',
   '10000000-0000-4000-8000-000000000003', timestamptz '2025-12-01 14:40:00+00');

-- 200 customers per team. Customer k (k = n + the team's offset) takes its name, city and
-- figures from fixed lists by k modulo the list length. Every fifth customer is a person
-- and the rest are companies. Acme's first customer is Northwind Traders.
with team (team_id, customer_prefix, name_offset) as (
  values
    ('20000000-0000-4000-8000-000000000001'::uuid, 'AC', 0),
    ('20000000-0000-4000-8000-000000000002'::uuid, 'GX', 200)
),
word_list (surnames, suffixes, first_names, postcodes, cities) as (
  select
    array[
      'Bergmann', 'Hoffmann', 'Keller', 'Schubert', 'Lindner', 'Brandt', 'Vogel', 'Krüger',
      'Fischer', 'Hartmann', 'Wagner', 'Becker', 'Sommer', 'Winter', 'Falk', 'Roth',
      'Lorenz', 'Baumann', 'Engel', 'Franke', 'Harper', 'Whitman', 'Cole', 'Sullivan',
      'Brooks', 'Hayes', 'Porter', 'Reed', 'Maddox', 'Ellison', 'Carver', 'Donovan',
      'Fletcher', 'Griffin', 'Hollis', 'Kendall', 'Lambert', 'Mercer', 'Prescott', 'Sterling'
    ],
    array[
      'GmbH', 'AG', '& Söhne', 'KG', 'Handel GmbH', 'Logistik', 'Supply Co.', 'Industries',
      '& Partners', 'LLC'
    ],
    array[
      'Anna', 'Lukas', 'Sophie', 'Jonas', 'Marie', 'Felix', 'Lena', 'Paul', 'Emma', 'Max',
      'Olivia', 'James', 'Sarah', 'Michael', 'Emily', 'Daniel', 'Hannah', 'David', 'Laura', 'Thomas'
    ],
    -- Postcodes are text: German and US codes may start with 0.
    array[
      '01067', '04109', '10115', '20095', '80331', '50667', '60311', '70173', '09111', '06108',
      '28195', '90402', '02108', '07030', '10001', '60601', '94105', '98101', '78701', '06103'
    ],
    array[
      'Dresden', 'Leipzig', 'Berlin', 'Hamburg', 'München', 'Köln', 'Frankfurt am Main',
      'Stuttgart', 'Chemnitz', 'Halle (Saale)', 'Bremen', 'Nürnberg', 'Boston', 'Hoboken',
      'New York', 'Chicago', 'San Francisco', 'Seattle', 'Austin', 'Hartford'
    ]
),
numbered as (
  select team.team_id, team.customer_prefix, n, n + team.name_offset as k
  from team
  cross join generate_series(1, 200) as n
),
named as (
  select
    numbered.*,
    word_list.*,
    case
      when numbered.customer_prefix = 'AC' and n = 1 then 'Northwind Traders'
      -- Persons p = k / 5 within one team get distinct surnames because 7 and 40 are
      -- coprime, and the term k / 200 gives Globex persons other first names than Acme's.
      when k % 5 = 0 then
        first_names[1 + (k / 5 * 3 + k / 200) % 20] || ' ' || surnames[1 + (k / 5 * 7 + 11) % 40]
      -- Companies with the same surname differ in k / 40 and so in their suffix.
      else surnames[1 + k % 40] || ' ' || suffixes[1 + (k / 40 + 3 * k) % 10]
    end as name
  from numbered
  cross join word_list
)
insert into public.customers (
  team_id, customer_no, name, email, postcode, city, revenue, created_on, active, note,
  created_at, updated_at
)
select
  team_id,
  customer_prefix || '-' || lpad(n::text, 4, '0'),
  name,
  case
    when k % 11 = 0 then null
    when k % 5 = 0 then
      lower(translate(replace(name, ' ', '.'), 'äöüÄÖÜß', 'aouAOUs')) || '@mail.example'
    else
      'info@' || trim(both '-' from regexp_replace(
        lower(translate(name, 'äöüÄÖÜß', 'aouAOUs')), '[^a-z0-9]+', '-', 'g'
      )) || '.example'
  end,
  case when k % 23 = 0 then null else postcodes[1 + (k * 7) % 20] end,
  case when k % 23 = 0 then null else cities[1 + (k * 7) % 20] end,
  case when k % 17 = 0 then null else ((k * 2654435761) % 5000000) / 100.0 end,
  date '2018-01-15' + (k * 997) % 2500,
  k % 9 <> 0,
  case
    when k % 13 = 0 then 'Prefers invoices by email'
    when k % 29 = 0 then '+49 30 1234567, call after 10:00'
    when k % 31 = 0 then 'Rückruf erbeten'
  end,
  ((date '2018-01-15' + (k * 997) % 2500) + time '09:30') at time zone 'UTC',
  ((date '2018-01-15' + (k * 997) % 2500) + time '09:30') at time zone 'UTC'
from named;

-- 2,500 orders for Acme and 1,200 for Globex, dated 2024-01-01 to 2025-12-31 with more
-- orders in later months. The customer number is the product of two parts of a hash of n,
-- which favours low numbers, so some customers order much more often than others. Every
-- 47th order has no customer record. Acme orders 100, 600, 1100, 1600 and 2100 are
-- Northwind Traders' paid orders in March 2025.
with team (team_id, order_prefix, customer_prefix, order_count, salt) as (
  values
    ('20000000-0000-4000-8000-000000000001'::uuid, 'ACME', 'AC', 2500, 0),
    ('20000000-0000-4000-8000-000000000002'::uuid, 'GLX', 'GX', 1200, 13)
),
numbered as (
  select
    team.*,
    n::bigint as n,
    (n::bigint * 2654435761 + team.salt) % 4294967296 as hash,
    ((n * 7919 + team.salt) % 10007) / 10007.0 as day_fraction
  from team
  cross join lateral generate_series(1, team.order_count) as n
),
shaped as (
  select
    team_id,
    order_prefix || '-' || lpad(n::text, 6, '0') as order_no,
    n,
    order_prefix = 'ACME' and n % 500 = 100 as is_northwind_march,
    case
      when order_prefix = 'ACME' and n % 500 = 100 then 'AC-0001'
      when n % 47 = 0 then null
      else customer_prefix || '-' || lpad((1 + (hash % 200) * (hash / 200 % 200) / 199)::text, 4, '0')
    end as customer_no,
    case
      when order_prefix = 'ACME' and n % 500 = 100 then date '2025-03-03' + (n / 500)::int * 5
      -- The square root skews the day offsets (0 to 730) towards the end of 2025.
      else date '2024-01-01' + floor(731 * (day_fraction + sqrt(day_fraction)) / 2)::int
    end as ordered_on,
    (15 + ((n * 2654435761) % 200000) / 100.0) * case when n % 37 = 0 then 10 else 1 end as amount,
    (n * 40503 + salt) % 100 as status_bucket
  from numbered
)
insert into public.orders (
  team_id, order_no, customer_id, customer_email, ordered_on, amount, status, note,
  created_at, updated_at
)
select
  shaped.team_id,
  shaped.order_no,
  customer.id,
  coalesce(customer.email, case when shaped.customer_no is null then 'guest' || shaped.n || '@mail.example' end),
  shaped.ordered_on,
  shaped.amount,
  case
    when shaped.is_northwind_march then 'paid'
    when shaped.status_bucket < 8 then 'cancelled'
    when shaped.status_bucket < 20 then 'open'
    when shaped.status_bucket < 45 then 'shipped'
    else 'paid'
  end::public.order_status,
  case
    when shaped.n % 19 = 0 then 'Express delivery'
    when shaped.n % 53 = 0 then 'Gift wrap, card: "Happy Birthday"'
    when shaped.n % 89 = 0 then '@reception: leave at the front desk'
    when shaped.n % 97 = 0 then '=2 pallets, see delivery note'
  end,
  (shaped.ordered_on + time '08:00' + (shaped.n % 600) * interval '1 minute') at time zone 'UTC',
  (shaped.ordered_on + time '08:00' + (shaped.n % 600) * interval '1 minute') at time zone 'UTC'
from shaped
left join public.customers as customer
  on customer.team_id = shaped.team_id
 and customer.customer_no = shaped.customer_no;

analyze public.account_groups, public.memberships, public.invited_users, public.customers, public.orders;
