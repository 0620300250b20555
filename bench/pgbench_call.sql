-- The call-next transaction of queueing.services.ticket_call_next, for pgbench: lock the counter's open
-- session, select the oldest waiting ticket of a service (no lock, as the app does), claim it with a
-- conditional UPDATE (compare-and-set, also setting the waiting time), then, if claimed, save the
-- session's priority streak, count the service's waiting tickets (the event payload carries it), insert the
-- outbox event + pg_notify and the audit row. Variables (pgbench -D): hall, svc0, counter0 (first of 16
-- consecutive counter ids, each with an open session), actor (the clerk's user id).
\set s random(0, 2)
\set svc :svc0 + :s
\set counter :counter0 + random(0, 15)
BEGIN;
SELECT id AS session FROM queueing_countersession WHERE counter_id = :counter AND closed_at IS NULL
  FOR UPDATE \gset
SELECT coalesce((SELECT id FROM queueing_ticket
    WHERE hall_id = :hall AND status = 'waiting' AND service_id = :svc AND is_priority = false
      AND target_counter_id IS NULL
    ORDER BY queued_at, id LIMIT 1), 0) AS cand \gset
WITH won AS (
  UPDATE queueing_ticket SET status = 'called', counter_id = :counter, clerk_id = :actor, called_at = now(),
      recalled_at = NULL, recall_count = 0, target_counter_id = NULL,
      first_called_at = coalesce(first_called_at, now()),
      wait_seconds = coalesce(wait_seconds, 0) + extract(epoch FROM now() - waiting_since)::int
    WHERE id = :cand AND status = 'waiting' RETURNING id, number)
SELECT count(*) AS claimed, coalesce(max(number), '') AS number FROM won \gset
\if :claimed
UPDATE queueing_countersession SET priority_streak = 0 WHERE id = :session;
SELECT count(*) AS waiting FROM queueing_ticket
  WHERE hall_id = :hall AND status = 'waiting' AND service_id = :svc \gset
INSERT INTO live_event (hall_id, kind, payload, created_at)
  VALUES (:hall, 'ticket.called', jsonb_build_object(
    'action', 'call', 'number', :number::text, 'status', 'called', 'priority', false, 'service', 'S' || :s::int,
    'service_name', '基准事项', 'prefix', chr(65 + :s), 'counter', :counter::text, 'counter_name', '综合窗口',
    'waiting', jsonb_build_object('S' || :s::int, :waiting::int)), now())
  RETURNING id \gset e_
SELECT pg_notify('servicehall_events', :e_id::text);
INSERT INTO core_auditentry (at, actor_label, action, object_type, object_id, object_repr, ip, before, after,
    actor_id, hall_id)
  VALUES (now(), 'clerk01', 'ticket.call', 'queueing.ticket', :cand::text, :number::text, '127.0.0.1', NULL,
    jsonb_build_object('status', 'called', 'counter', :counter::int, 'rule', 'oldest'), :actor, :hall);
\endif
COMMIT;
