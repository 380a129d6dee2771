-- What the planner, the approval page and the deliver worker need of a draft: whom it
-- goes to, how it threads, why it was drafted, what is missing, and how it is to go out.

alter table draft add column to_address text;
alter table draft add column to_name text;
alter table draft add column html_body text;
-- Dotted merge-field paths a `needs_input` draft lacks (contact.firstName, takeaway, …).
alter table draft add column missing_fields text[] not null default '{}';
-- The merge fields the draft was rendered from, so it can be rendered again once the
-- user supplies what was missing.
alter table draft add column fields jsonb;
-- Why rapport drafted it, in words for the approval page ("Met Jane Doe yesterday").
alter table draft add column reason text not null default '';
alter table draft add column follow_up_number integer;
-- Threading of a reply: the answered message's Message-ID and References, and the
-- provider's thread id.
alter table draft add column in_reply_to text;
alter table draft add column refs text[] not null default '{}';
alter table draft add column provider_thread_id text;
-- How an approved draft goes out: sent by rapport, or put in the user's Drafts folder
-- (their own send is then the approval).
alter table draft add column delivery_mode text check (delivery_mode in ('send', 'mailbox'));
alter table draft add column send_at timestamptz;
alter table draft add column snoozed_until timestamptz;
alter table draft add column reminded_at timestamptz;
alter table draft add column delivered_at timestamptz;
alter table draft add column last_error text;
create index draft_status_due on draft (status, due_at);
create index draft_rfc_message_id on draft (rfc_message_id)
