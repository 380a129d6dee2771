-- The records of the architecture: accounts, messages, threads, contacts, companies,
-- meetings, interactions and drafts. Unique keys on the sources keep re-ingesting from
-- adding anything.

create table account (
  id integer generated always as identity primary key,
  provider text not null check (provider in ('mailbox', 'gmail', 'outlook')),
  address text not null,
  tokens_encrypted bytea,
  mail_cursor text,
  calendar_cursor text,
  sync_status text not null default 'active' check (sync_status in ('active', 'needs_reauth', 'error')),
  last_error text,
  last_sync_at timestamptz,
  created_at timestamptz not null default now(),
  unique (provider, address)
);

-- The user's own addresses: mail from these is "sent".
create table user_address (
  address text primary key,
  added_at timestamptz not null default now()
);

create table company (
  id integer generated always as identity primary key,
  domain text not null unique,
  name text not null,
  priority integer,
  status text not null default 'none' check (status in ('none', 'target', 'contacted', 'engaged', 'closed')),
  created_at timestamptz not null default now()
);

create table contact (
  id integer generated always as identity primary key,
  company_id integer references company (id),
  title text,
  how_we_met text,
  referred_by_contact_id integer references contact (id),
  nurture boolean not null default false,
  next_touch_due_at timestamptz,
  created_at timestamptz not null default now()
);

-- One person, many addresses.
create table contact_email (
  address text primary key,
  contact_id integer not null references contact (id) on delete cascade
);
create index contact_email_contact on contact_email (contact_id);

-- Every display name seen for a contact, with how many messages used it; the most used
-- one is the contact's name, so the result does not depend on import order.
create table contact_name (
  contact_id integer not null references contact (id) on delete cascade,
  name text not null,
  seen_count integer not null default 0,
  primary key (contact_id, name)
);

create table thread (
  id integer generated always as identity primary key,
  kind text not null default 'other' check (kind in ('outreach', 'other')),
  state text check (state in ('awaiting_reply', 'replied', 'scheduling', 'scheduled', 'met', 'thanked', 'closed')),
  contact_id integer references contact (id),
  subject text not null default '',
  normalized_subject text not null default '',
  first_message_at timestamptz,
  last_message_at timestamptz
);
create index thread_subject on thread (normalized_subject);

-- Every Message-ID a thread holds or refers to; a message joins the thread that owns
-- any of its ids.
create table thread_key (
  key text primary key,
  thread_id integer not null references thread (id) on delete cascade
);
create index thread_key_thread on thread_key (thread_id);

create table message (
  id integer generated always as identity primary key,
  message_key text not null unique,
  account_id integer references account (id),
  provider_id text,
  provider_thread_id text,
  rfc_message_id text,
  in_reply_to text[] not null default '{}',
  refs text[] not null default '{}',
  thread_id integer references thread (id),
  direction text not null check (direction in ('sent', 'received')),
  from_address text,
  participants text[] not null default '{}',
  counterparts text[] not null default '{}',
  sent_at timestamptz,
  subject text not null default '',
  normalized_subject text not null default '',
  excerpt text not null default '',
  is_bulk boolean not null default false,
  labels jsonb not null default '[]',
  source text not null,
  created_at timestamptz not null default now()
);
create index message_thread on message (thread_id);
create index message_subject on message (normalized_subject, sent_at);

create table meeting (
  id integer generated always as identity primary key,
  uid text not null,
  recurrence_id text not null default '',
  sequence integer not null default 0,
  status text not null check (status in ('confirmed', 'tentative', 'cancelled')),
  summary text not null default '',
  description text not null default '',
  location text not null default '',
  start_at timestamptz,
  end_at timestamptz,
  all_day boolean not null default false,
  recurrence_rule text,
  organizer_address text,
  is_informational boolean not null default false,
  thread_id integer references thread (id),
  message_id integer references message (id),
  source text not null,
  updated_at timestamptz not null default now(),
  unique (uid, recurrence_id)
);

create table meeting_attendee (
  meeting_id integer not null references meeting (id) on delete cascade,
  contact_id integer not null references contact (id) on delete cascade,
  is_organizer boolean not null default false,
  partstat text,
  role text,
  primary key (meeting_id, contact_id)
);

create table interaction (
  id integer generated always as identity primary key,
  contact_id integer not null references contact (id) on delete cascade,
  kind text not null check (kind in ('email_sent', 'email_received', 'meeting', 'thank_you_sent', 'note', 'referral')),
  occurred_at timestamptz,
  message_id integer references message (id),
  meeting_id integer references meeting (id) on delete cascade,
  summary text not null default '',
  -- `message:<message key>` or `meeting:<uid>:<recurrence id>`: unique per contact, so
  -- ingesting a source again adds nothing.
  source_key text not null,
  unique (contact_id, source_key)
);
create index interaction_contact_time on interaction (contact_id, occurred_at);

create table draft (
  id integer generated always as identity primary key,
  kind text not null check (kind in ('outreach_request', 'follow_up', 'thank_you', 'check_in', 'referral_intro')),
  contact_id integer references contact (id),
  thread_id integer references thread (id),
  meeting_id integer references meeting (id),
  account_id integer references account (id),
  subject text not null default '',
  body text not null default '',
  status text not null default 'pending'
    check (status in ('pending', 'needs_input', 'approved', 'delivering', 'delivered', 'rejected', 'superseded')),
  due_at timestamptz,
  idempotency_key text not null unique,
  rfc_message_id text,
  provider_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- Things of an export that could not be read: reported, never silently dropped.
create table ingest_failure (
  source_path text not null,
  position integer not null,
  reason text not null,
  seen_at timestamptz not null default now(),
  primary key (source_path, position)
);
