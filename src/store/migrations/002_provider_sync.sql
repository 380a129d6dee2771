-- What a connected account (Gmail, Outlook) holds, by the provider's own ids, so that a
-- sync skips what it already has, applies deletions, and can be checked against the
-- mailbox. A message seen in two accounts (or also imported from a file) is stored once.

create table provider_message (
  account_id integer not null references account (id) on delete cascade,
  provider_id text not null,
  provider_thread_id text,
  message_id integer not null references message (id) on delete cascade,
  -- The provider's acceptance time: what a sync window is measured in.
  internal_date timestamptz,
  primary key (account_id, provider_id)
);
create index provider_message_message on provider_message (message_id);

create table provider_event (
  account_id integer not null references account (id) on delete cascade,
  provider_id text not null,
  meeting_id integer not null references meeting (id) on delete cascade,
  primary key (account_id, provider_id)
);
create index provider_event_meeting on provider_event (meeting_id);

alter table account add column granted_scopes text[] not null default '{}';
-- When the provider's push subscription (Gmail watch, calendar channel) lapses.
alter table account add column watch_expires_at timestamptz;
alter table account add column calendar_channel jsonb;
-- What the running or last sync did: phase, done and total counts, for progress displays.
alter table account add column sync_progress jsonb;
alter table account add column calendar_synced_at timestamptz
