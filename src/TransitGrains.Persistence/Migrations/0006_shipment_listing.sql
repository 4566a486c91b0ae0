-- The forwarders' listing of shipments (api.md 1.1, "Forwarders: list own shipments").
--
-- A shipment's state carries its listing: its forwarder, its status and when it was booked. The store writes them
-- into these columns in the same statement as the state, so the listing is as durable and as current as the state.
-- Other grains' rows leave them null. The listing runs newest booking first; grain_id orders shipments booked at the
-- same instant, and a page starts after the (booked_at, grain_id) of the previous page's last row.

ALTER TABLE transit_grain_state
    ADD COLUMN forwarder text        NULL,
    ADD COLUMN status    text        NULL,
    ADD COLUMN booked_at timestamptz NULL;

-- One index per way of asking: a forwarder's shipments (a forwarder key, or an admin's forwarder=), with or without a
-- status, and every forwarder's (an admin), with or without a status. Each is read backwards, newest booking first.
-- Partial: only listed shipments are in them, and an update that leaves the listing as it was can stay HOT.
CREATE INDEX transit_grain_state_listing_forwarder
    ON transit_grain_state (service_id, forwarder, booked_at, grain_id) WHERE booked_at IS NOT NULL;
CREATE INDEX transit_grain_state_listing_forwarder_status
    ON transit_grain_state (service_id, forwarder, status, booked_at, grain_id) WHERE booked_at IS NOT NULL;
CREATE INDEX transit_grain_state_listing
    ON transit_grain_state (service_id, booked_at, grain_id) WHERE booked_at IS NOT NULL;
CREATE INDEX transit_grain_state_listing_status
    ON transit_grain_state (service_id, status, booked_at, grain_id) WHERE booked_at IS NOT NULL;

-- Shipments stored before have no listing yet: each is woken once, and its wake-up writes its state with its listing
-- (and its own next wake-up time, or none). A shipment already due stays due as it was.
UPDATE transit_grain_state
SET wake_up_at = now()
WHERE state_name = 'shipment' AND (wake_up_at IS NULL OR wake_up_at > now());
