-- The ticket-issue transaction of queueing.services.ticket_issue, statement for statement, for pgbench.
-- Variables (pgbench -D): hall, svc0 (id of the hall's first service; its services have consecutive ids,
-- prefixes A, B, C), actor (a user id, unused by issue: kiosk devices have none).
\set s random(0, 2)
\set svc :svc0 + :s
BEGIN;
INSERT INTO queueing_ticketsequence (hall_id, prefix, day, last_number)
  VALUES (:hall, chr(65 + :s), CURRENT_DATE, 1)
  ON CONFLICT (hall_id, prefix, day) DO UPDATE SET last_number = queueing_ticketsequence.last_number + 1
  RETURNING last_number \gset
INSERT INTO queueing_ticket (public_id, day, prefix, seq, number, channel, priority, is_priority, status,
    phone_encrypted, phone_hint, note, outcome, cancel_reason, recall_count, transfer_count,
    issued_at, queued_at, waiting_since, hall_id, service_id)
  VALUES (md5(random()::text), CURRENT_DATE, chr(65 + :s), :last_number,
    chr(65 + :s) || lpad(:last_number::int::text, 3, '0'), 'kiosk', 'normal', false, 'waiting',
    '', '', '', '', '', 0, 0, now(), now(), now(), :hall, :svc)
  RETURNING id \gset t_
SELECT count(*) AS waiting FROM queueing_ticket
  WHERE hall_id = :hall AND status = 'waiting' AND service_id = :svc \gset
INSERT INTO live_event (hall_id, kind, payload, created_at)
  VALUES (:hall, 'ticket.issued', jsonb_build_object(
    'action', 'issue', 'number', chr(65 + :s) || lpad(:last_number::int::text, 3, '0'), 'status', 'waiting',
    'priority', false, 'service', 'S' || :s::int, 'service_name', '基准事项', 'prefix', chr(65 + :s),
    'counter', NULL, 'counter_name', NULL, 'waiting', jsonb_build_object('S' || :s::int, :waiting::int)), now())
  RETURNING id \gset e_
SELECT pg_notify('servicehall_events', :e_id::text);
INSERT INTO core_auditentry (at, actor_label, action, object_type, object_id, object_repr, ip, before, after,
    actor_id, hall_id)
  VALUES (now(), 'device' || chr(58) || '1' || chr(58) || '入口自助机', 'ticket.issue', 'queueing.ticket', :t_id::text,
    chr(65 + :s) || lpad(:last_number::int::text, 3, '0') || ' (' || CURRENT_DATE || ')', '127.0.0.1', NULL,
    jsonb_build_object('number', chr(65 + :s) || lpad(:last_number::int::text, 3, '0'), 'service', 'S' || :s::int,
      'channel', 'kiosk', 'priority', 'normal'), NULL, :hall);
COMMIT;
