-- The event journal: the durable record of every accepted event, booking and shipment decision.
--
-- A group of commands (concurrent batches, bookings, decisions) is journaled in one transaction that first locks the
-- service's head row: so positions, handed out in order from the head, grow in commit order across the whole journal,
-- and a grain that read its stream up to the head read everything before it. Grain states are snapshots (Orleans'
-- ADO.NET grain storage, migration 0008) that name the position they were folded up to; a grain is its snapshot plus
-- its stream's entries after that position.

CREATE TABLE transit_journal_head
(
    service_id varchar(150) NOT NULL PRIMARY KEY,
    position   bigint       NOT NULL
);

-- Every event accepted, once, under its id: the first report under an id is the event, a later one a duplicate.
-- The payload is the event in Orleans' binary serialization; the other columns are what the event feeds query.
-- shipments names the shipment streams the event reached (a repeat of the id reaches them again).
CREATE TABLE transit_journal_events
(
    service_id  varchar(150) NOT NULL,
    event_id    varchar(100) NOT NULL,
    position    bigint       NOT NULL,
    received_at timestamptz  NOT NULL,
    event_type  text         NOT NULL,
    event_code  text         NOT NULL,
    classifier  text         NOT NULL,
    event_time  timestamptz  NOT NULL,
    location    text         NOT NULL,
    container   text         NULL,
    conveyance  text         NULL,
    shipments   text[]       NOT NULL,
    payload     bytea        NOT NULL,
    PRIMARY KEY (service_id, event_id)
);

CREATE INDEX transit_journal_events_position ON transit_journal_events (service_id, position);

-- Each stream's entries in journal order: an event (by id) or a record (a booking, a decision, a leg booked...).
-- kind: 1 a transport event, 2 another event, 3 a record. The transport events of a conveyance's stream are what a
-- shipment that starts to follow it receives: the partial index finds them without reading the container moves.
CREATE TABLE transit_journal_entries
(
    service_id varchar(150) NOT NULL,
    stream     text         NOT NULL,
    position   bigint       NOT NULL,
    kind       smallint     NOT NULL,
    event_id   varchar(100) NULL,
    payload    bytea        NULL,
    PRIMARY KEY (service_id, stream, position)
);

CREATE INDEX transit_journal_entries_calls ON transit_journal_entries (service_id, stream, position) WHERE kind = 1;

-- Which shipment each container was booked on, newest booking last (position), and whether a cancellation released it.
CREATE TABLE transit_container_bookings
(
    service_id  varchar(150) NOT NULL,
    container   varchar(11)  NOT NULL,
    shipment_id text         NOT NULL,
    position    bigint       NOT NULL,
    released    boolean      NOT NULL DEFAULT false,
    PRIMARY KEY (service_id, container, shipment_id)
);

CREATE INDEX transit_container_bookings_latest ON transit_container_bookings (service_id, container, position);

-- The shipments that receive a conveyance's transport events: booked on it, or with containers moved on it.
CREATE TABLE transit_conveyance_followers
(
    service_id  varchar(150) NOT NULL,
    conveyance  text         NOT NULL,
    shipment_id text         NOT NULL,
    PRIMARY KEY (service_id, conveyance, shipment_id)
);

CREATE INDEX transit_conveyance_followers_shipment ON transit_conveyance_followers (service_id, shipment_id);

-- The forwarders' listing (api.md 1.1): one row per booked shipment, its status as its latest decision recorded it.
-- One index per way of asking, each read backwards, newest booking first; shipment_id orders shipments booked at the
-- same instant, and a page starts after the (booked_at, shipment_id) of the previous page's last row.
CREATE TABLE transit_shipments
(
    service_id  varchar(150) NOT NULL,
    shipment_id text         NOT NULL,
    forwarder   text         NOT NULL,
    status      text         NOT NULL,
    booked_at   timestamptz  NOT NULL,
    PRIMARY KEY (service_id, shipment_id)
)
-- Status changes rewrite a row in place (HOT) when its page has room.
WITH (fillfactor = 90);

CREATE INDEX transit_shipments_forwarder ON transit_shipments (service_id, forwarder, booked_at, shipment_id);
CREATE INDEX transit_shipments_forwarder_status ON transit_shipments (service_id, forwarder, status, booked_at, shipment_id);
CREATE INDEX transit_shipments_booked ON transit_shipments (service_id, booked_at, shipment_id);
CREATE INDEX transit_shipments_status ON transit_shipments (service_id, status, booked_at, shipment_id);

-- When a stream's grain must be woken whatever happens (a refund deadline, an outbox retry, the outbox's safety net),
-- and which silo delivers its outbox meanwhile: every silo wakes the rows that are due, and at once those held by a
-- silo that is no longer a member of the cluster.
CREATE TABLE transit_wake_ups
(
    service_id varchar(150) NOT NULL,
    stream     text         NOT NULL,
    wake_up_at timestamptz  NULL,
    held_by    text         NULL,
    PRIMARY KEY (service_id, stream)
);

CREATE INDEX transit_wake_ups_due ON transit_wake_ups (service_id, wake_up_at);
CREATE INDEX transit_wake_ups_held ON transit_wake_ups (service_id, held_by) WHERE held_by IS NOT NULL;
