#include "ingest/ingest_service.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "ingest/batch_parser.h"
#include "ingest/chunk_writer.h"
#include "ingest/event_type_catalog.h"
#include "storage/database.h"

namespace zaplify::core {
namespace {

// Splits events by tenant, keeping each tenant's events in batch order; hooks receive one tenant
// per IngestBatch. The common single-tenant case moves the vector as is.
std::vector<std::pair<std::string, std::vector<sdk::Event>>> group_by_tenant(
    std::vector<sdk::Event> events) {
  std::vector<std::pair<std::string, std::vector<sdk::Event>>> groups;
  if (events.empty()) return groups;
  bool single = std::all_of(events.begin(), events.end(), [&](const sdk::Event& e) {
    return e.tenant_id == events.front().tenant_id;
  });
  if (single) {
    std::string tenant = events.front().tenant_id;
    groups.emplace_back(std::move(tenant), std::move(events));
    return groups;
  }
  std::map<std::string, std::size_t> index;
  for (auto& e : events) {
    auto [it, fresh] = index.emplace(e.tenant_id, groups.size());
    if (fresh) groups.emplace_back(e.tenant_id, std::vector<sdk::Event>{});
    groups[it->second].second.push_back(std::move(e));
  }
  return groups;
}

}  // namespace

nlohmann::json IngestResult::to_json() const {
  return {{"accepted", accepted}, {"duplicates", duplicates}, {"rejected", rejected}};
}

IngestService::IngestService(Database& db, IngestSettings settings, Hooks hooks,
                             ProjectionCoordinator* projections,
                             const EventTypeCatalog* event_types)
    : settings_(settings), event_types_(event_types ? event_types : &EventTypeCatalog::process()) {
  if (settings_.batch_size < 1) settings_.batch_size = 1;
  // PostgreSQL runs concurrent writers in parallel: grouping would only add lock ordering to get
  // right (lock_tenant of several tenants in one transaction). SQLite serialises them anyway.
  const bool group = settings_.group_commit_events > 0 && db.dialect() == sdk::Dialect::SQLite;
  writer_ = std::make_unique<ChunkWriter>(db, std::move(hooks), projections, group,
                                          static_cast<std::size_t>(settings_.group_commit_events));
}

IngestService::~IngestService() = default;

IngestResult IngestService::process(std::string_view body, const IngestCaller& caller,
                                    std::int64_t now_ms) {
  // One snapshot for the whole batch: a plugin (un)loading meanwhile changes the next request.
  const auto declared = event_types_->current();
  ingest::ParsedBatch parsed = ingest::parse_batch(body, caller, now_ms, settings_, declared.get());
  IngestResult result;
  result.rejected = std::move(parsed.rejected);
  result.duplicates = parsed.in_batch_duplicates;
  if (parsed.events.empty()) return result;

  const std::size_t chunk_size = static_cast<std::size_t>(settings_.batch_size);
  IngestChunk chunk;
  for (auto& [tenant, events] : group_by_tenant(std::move(parsed.events))) {
    std::int64_t tenant_accepted = 0;
    chunk.tenant = tenant;
    for (std::size_t start = 0; start < events.size(); start += chunk_size) {
      const std::size_t end = std::min(events.size(), start + chunk_size);
      chunk.events.assign(
          std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(start)),
          std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(end)));
      // Chunks are separate transactions (or share one with other requests' chunks): when a later
      // one fails, earlier ones stay committed and the request fails with StoreError; a client
      // retry then counts them as duplicates.
      writer_->write(chunk);
      const auto n = static_cast<std::int64_t>(chunk.fresh.size());
      tenant_accepted += n;
      result.accepted += n;
      result.duplicates += static_cast<std::int64_t>(end - start) - n;
    }
    if (tenant_accepted > 0) result.tenants_changed.push_back(tenant);
  }
  return result;
}

}  // namespace zaplify::core
