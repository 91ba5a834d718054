#pragma once
// Stage changes are read from the host's `stage_events` relation (sdk/host_tables.h), kept once
// for every plugin. The plugin's own copy (`funnel_stage_events`, migration 1 of releases before
// SDK 1.2) is dropped by migration 2.

#include "zaplify/sdk/store.h"

namespace zaplify::funnel {

/// Migration 2: drops the retired funnel_stage_events table where an earlier release made it.
sdk::Migration retire_stage_events_table();

}  // namespace zaplify::funnel
