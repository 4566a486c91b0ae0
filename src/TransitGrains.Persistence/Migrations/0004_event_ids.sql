-- The event-id ledger: the first event reported under each id, for the whole service.
--
-- The intake claims a whole batch of ids in one INSERT … ON CONFLICT DO NOTHING RETURNING: the
-- ids it returns were claimed by this report; for the others one SELECT reads the event that
-- claimed them first, which the intake records again (repairing a crash between the claim and
-- the shipment's write). Rows are never updated or deleted: an id stays used.

CREATE TABLE transit_event_ids
(
    service_id  varchar(150) NOT NULL,
    event_id    varchar(100) NOT NULL,
    -- The first event, in Orleans' binary serialization (the grain storage's format).
    first_event bytea        NOT NULL,
    claimed_at  timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, event_id)
);
