-- A claim on a draft being delivered, so that of two jobs for one draft (a duplicate, a
-- stalled job that was not dead) only one checks the mailbox and sends: the lease keeps
-- others off until it lapses (its worker died), and the attempt number fences a worker
-- whose lease lapsed from writing over the one that took over.
alter table draft add column delivery_lease_until timestamptz;
alter table draft add column delivery_attempts integer not null default 0
