-- The data-protection key ring of the durable profile: the keys that seal webhook subscriptions' secrets and protect
-- the dashboard's sign-in cookie, shared by every silo of a service so that any silo opens what another sealed.
--
-- ASP.NET Core Data Protection keeps each key as one XML element (its id, activation, expiry, the key material, or the
-- material encrypted with a certificate when one is configured) and never changes an element once written: a key is
-- retired by a new element (a revocation) or by expiring. So rows are only inserted, read in the order they were
-- written, and never updated or deleted here. An expired key stays: it still opens what it sealed.

CREATE TABLE transit_data_protection_keys
(
    id            bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service_id    varchar(150) NOT NULL,
    friendly_name text         NOT NULL,
    xml           text         NOT NULL,
    stored_at     timestamptz  NOT NULL DEFAULT now()
);

CREATE INDEX transit_data_protection_keys_service ON transit_data_protection_keys (service_id, id);
