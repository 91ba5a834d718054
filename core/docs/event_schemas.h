#pragma once
// The batch body of POST /analytics/process/batch, documented per event type (docs/api.md, Sending
// events), and its answer. The validation itself is core/ingest/validate.cpp; this is what OpenAPI
// says about it.

#include "docs/schema_publisher.h"
#include "ingest/event_type_catalog.h"
#include "zaplify/sdk/schema.h"

namespace zaplify::core {

/// Publishes one component per event type (LeadCreatedEvent, MessageEvent, ..., then each custom
/// type a running plugin declared, as <Plugin><Type>Event) and "BatchRequest" (their
/// discriminated union under `events`). The declared types are those of `declared`, by default
/// EventTypeCatalog::process() (what ingestion accepts right now).
void publish_event_schemas(SchemaPublisher& publisher);
void publish_event_schemas(SchemaPublisher& publisher, const EventTypeSnapshot& declared);

/// The JSON answer of an accepted batch (published as "BatchResponse" by the route).
sdk::Schema batch_response_schema();

}  // namespace zaplify::core
