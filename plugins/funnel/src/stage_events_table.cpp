#include "stage_events_table.h"

namespace zaplify::funnel {

sdk::Migration retire_stage_events_table() {
  sdk::Migration m;
  m.version = 2;
  m.description = "funnel_stage_events retired: the host's stage_events relation replaces it";
  m.sql = "DROP TABLE IF EXISTS funnel_stage_events";
  return m;
}

}  // namespace zaplify::funnel
