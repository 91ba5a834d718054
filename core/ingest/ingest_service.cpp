#include "ingest/ingest_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "ingest/batch_parser.h"
#include "projections/projection_coordinator.h"
#include "storage/core_writer.h"
#include "storage/database.h"

namespace zaplify::core {
namespace {

// Splits events by tenant, keeping each tenant's events in batch order; hooks receive one tenant
// per IngestBatch. The common single-tenant case moves the vector as is.
std::vector<std::pair<std::string, std::vector<sdk::Event>>> group_by_tenant(std::vector<sdk::Event> events) {
  std::vector<std::pair<std::string, std::vector<sdk::Event>>> groups;
  if (events.empty()) return groups;
  bool single = std::all_of(events.begin(), events.end(),
                            [&](const sdk::Event& e) { return e.tenant_id == events.front().tenant_id; });
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
                             ProjectionCoordinator* projections)
    : db_(db), settings_(settings), hooks_(std::move(hooks)), projections_(projections) {
  if (settings_.batch_size < 1) settings_.batch_size = 1;
}

IngestResult IngestService::process(std::string_view body, const IngestCaller& caller, std::int64_t now_ms) {
  ingest::ParsedBatch parsed = ingest::parse_batch(body, caller, now_ms, settings_);
  IngestResult result;
  result.rejected = std::move(parsed.rejected);
  result.duplicates = parsed.in_batch_duplicates;
  if (parsed.events.empty()) return result;

  const std::vector<sdk::IngestHook> plain_hooks = hooks_ ? hooks_() : std::vector<sdk::IngestHook>{};
  std::vector<sdk::IngestHook> hooks;
  const std::size_t chunk_size = static_cast<std::size_t>(settings_.batch_size);
  std::vector<sdk::Event> chunk, fresh;
  std::vector<char> inserted;
  for (auto& [tenant, events] : group_by_tenant(std::move(parsed.events))) {
    std::int64_t tenant_accepted = 0;
    for (std::size_t start = 0; start < events.size(); start += chunk_size) {
      const std::size_t end = std::min(events.size(), start + chunk_size);
      chunk.assign(std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(start)),
                   std::make_move_iterator(events.begin() + static_cast<std::ptrdiff_t>(end)));
      fresh.clear();
      // The set of active projections cannot change while the ticket is held (see
      // ProjectionCoordinator): each is applied to this chunk here or replayed later, never both.
      std::optional<IngestTicket> ticket;
      hooks = plain_hooks;
      if (projections_) {
        ticket.emplace(projections_->begin_ingest());
        for (auto& apply : projections_->appliers()) hooks.push_back(std::move(apply));
      }
      // Chunks are separate transactions: when a later one fails, earlier ones stay committed and
      // the request fails with StoreError; a client retry then counts them as duplicates.
      // An init-capture: clang before 16 cannot capture a structured binding by name.
      db_.write([&, &tenant = tenant](sdk::SqlWriter& w) {
        auto* writer = dynamic_cast<CoreWriter*>(&w);
        if (writer == nullptr) throw std::logic_error("Database::write must hand out a CoreWriter");
        writer->lock_tenant(tenant);
        writer->insert_events(chunk, inserted);
        fresh.clear();
        for (std::size_t i = 0; i < chunk.size(); ++i)
          if (inserted[i]) fresh.push_back(std::move(chunk[i]));
        if (fresh.empty()) return;
        sdk::IngestBatch batch{tenant, &fresh};
        for (const auto& hook : hooks) hook(batch, w);
      });
      const auto n = static_cast<std::int64_t>(fresh.size());
      tenant_accepted += n;
      result.accepted += n;
      result.duplicates += static_cast<std::int64_t>(end - start) - n;
    }
    if (tenant_accepted > 0) result.tenants_changed.push_back(tenant);
  }
  return result;
}

}  // namespace zaplify::core
