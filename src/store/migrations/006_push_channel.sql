-- The column holds whichever push channel the account's provider calls rapport on:
-- Google Calendar's events channel, or Outlook's mail subscription. Its old name said
-- only the first.
alter table account rename column calendar_channel to push_channel;
