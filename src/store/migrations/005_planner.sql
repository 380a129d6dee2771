-- The target list: people the user imported (`rapport targets import FILE.csv`) to ask
-- for an informational conversation. The planner drafts their requests a few a day, so
-- each row waits (`queued`) until its day comes, then points at its draft.

create table target (
  id integer generated always as identity primary key,
  contact_id integer not null references contact (id) on delete cascade,
  -- One row per address: importing the same list again adds nothing.
  email text not null unique,
  name text not null,
  company text,
  title text,
  -- How the user got the name ("the alumni directory"), or who gave it to them.
  source text,
  referrer text,
  -- The field to mention, when it differs from the user's usual one.
  field text,
  import_file text not null,
  import_line integer not null,
  status text not null default 'queued' check (status in ('queued', 'drafted', 'skipped')),
  skip_reason text,
  draft_id integer references draft (id) on delete set null,
  drafted_at timestamptz,
  imported_at timestamptz not null default now()
);
create index target_status on target (status, id);
create index target_drafted_at on target (drafted_at);
create index target_contact on target (contact_id);

-- The planner looks for drafts by kind and contact or thread (open follow-ups of a
-- thread, check-ins of a contact).
create index draft_kind_thread on draft (kind, thread_id);
create index draft_kind_contact on draft (kind, contact_id);
create index meeting_end on meeting (end_at)
