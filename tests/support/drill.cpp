#include "support/drill.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>

#include <gtest/gtest.h>

#include "support/server.h"

namespace zaplify::testing {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin";

// Commands run as `postgres` when we are root: initdb and postgres refuse to run as root.
std::string as_postgres(const std::string& command) {
  if (::geteuid() != 0) return command;
  return "runuser -u postgres -- " + command;
}

std::string make_temp_dir(const std::string& stem) {
  std::string pattern = (fs::temp_directory_path() / (stem + "XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

}  // namespace

// --- PostgresInstance -------------------------------------------------------------------------

PostgresInstance::PostgresInstance() {
  dir_ = make_temp_dir("zaplify-drill-pg.");
  port_ = free_port();
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  if (::geteuid() == 0 && std::system(("chown postgres:postgres " + dir_).c_str()) != 0) {
    ADD_FAILURE() << "chown of " << dir_ << " failed";
    return;
  }
  std::string initdb = as_postgres(std::string(kPgBin) + "/initdb -D " + dir_ +
                                   "/data -A trust -U postgres >" + dir_ + "/initdb.log 2>&1");
  if (std::system(initdb.c_str()) != 0) {
    ADD_FAILURE() << "initdb failed (see " << dir_ << "/initdb.log)";
    return;
  }
  ok_ = true;
  // A port picked now may be taken before PostgreSQL binds it: try another then.
  for (int attempt = 0; attempt < 3; ++attempt, port_ = free_port())
    if (run_pg_ctl("start")) return;
  ADD_FAILURE() << "pg_ctl start failed (see " << dir_ << "/pg.log)";
}

PostgresInstance::~PostgresInstance() {
  if (ok_) run_pg_ctl("-m immediate stop");
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresInstance::url() const {
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/postgres";
}

bool PostgresInstance::run_pg_ctl(const std::string& args) const {
  std::string options = "-p " + std::to_string(port_) + " -k " + dir_ +
                        " -c listen_addresses=127.0.0.1 -c max_connections=100 -c fsync=on";
  std::string cmd = as_postgres(std::string(kPgBin) + "/pg_ctl -D " + dir_ + "/data -l " + dir_ +
                                "/pg.log -w -o \"" + options + "\" " + args + " >/dev/null 2>&1");
  return std::system(cmd.c_str()) == 0;
}

void PostgresInstance::stop(bool immediate) {
  if (!run_pg_ctl(immediate ? "-m immediate stop" : "-m fast stop"))
    ADD_FAILURE() << "pg_ctl stop failed";
}

void PostgresInstance::start() {
  if (!run_pg_ctl("start")) ADD_FAILURE() << "pg_ctl start failed (see " << dir_ << "/pg.log)";
}

// --- TmpfsMount -------------------------------------------------------------------------------

bool TmpfsMount::supported() {
  static const bool can_mount = [] {
    std::string probe = make_temp_dir("zaplify-mount-probe.");
    bool ok = ::mount("tmpfs", probe.c_str(), "tmpfs", 0, "size=64k") == 0;
    if (ok) ::umount2(probe.c_str(), MNT_DETACH);
    fs::remove(probe);
    return ok;
  }();
  return can_mount;
}

TmpfsMount::TmpfsMount(std::size_t bytes) {
  path_ = make_temp_dir("zaplify-tmpfs.");
  std::string options = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0)
    throw std::runtime_error("mount tmpfs on " + path_ + " failed");
}

TmpfsMount::~TmpfsMount() {
  ::umount2(path_.c_str(), MNT_DETACH);  // detach: the server may still hold files open
  std::error_code ec;
  fs::remove(path_, ec);
}

void TmpfsMount::set_read_only(bool read_only) {
  unsigned long flags = MS_REMOUNT | (read_only ? MS_RDONLY : 0UL);
  if (::mount("tmpfs", path_.c_str(), "tmpfs", flags, nullptr) != 0)
    ADD_FAILURE() << "remount " << (read_only ? "ro" : "rw") << " failed";
}

void TmpfsMount::resize(std::size_t bytes) {
  std::string options = "size=" + std::to_string(bytes);
  if (::mount("tmpfs", path_.c_str(), "tmpfs", MS_REMOUNT, options.c_str()) != 0)
    ADD_FAILURE() << "remount with " << options << " failed";
}

// --- Ext4LoopMount ----------------------------------------------------------------------------

namespace {
bool run_quiet(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}
}  // namespace

bool Ext4LoopMount::supported() {
  return ::geteuid() == 0 && TmpfsMount::supported() && fs::exists("/dev/loop-control") &&
         run_quiet("{ command -v mkfs.ext4 && command -v e2fsck; }");
}

Ext4LoopMount::Ext4LoopMount(std::size_t bytes) {
  path_ = make_temp_dir("zaplify-ext4.");
  image_ = path_ + ".img";
  if (!run_quiet("truncate -s " + std::to_string(bytes) + " " + image_) ||
      !run_quiet("mkfs.ext4 -q -F " + image_) ||
      !run_quiet("mount -o loop,errors=remount-ro " + image_ + " " + path_))
    throw std::runtime_error("cannot make an ext4 loop mount on " + path_);
}

Ext4LoopMount::~Ext4LoopMount() {
  run_quiet("umount -l " + path_);  // lazy: the loop device goes once the last user closes it
  for (const auto& dev : extra_loop_devices_) run_quiet("losetup -d " + dev);
  std::error_code ec;
  fs::remove(path_, ec);
  fs::remove(image_, ec);
}

std::string Ext4LoopMount::device() const {
  std::ifstream mounts("/proc/mounts");
  std::string dev, dir, rest;
  while (mounts >> dev >> dir && std::getline(mounts, rest))
    if (dir == path_) return fs::path(dev).filename().string();
  return {};
}

void Ext4LoopMount::force_read_only() {
  std::string knob = "/sys/fs/ext4/" + device() + "/trigger_fs_error";
  std::ofstream(knob) << "zaplify drill\n";
}

void Ext4LoopMount::repair() {
  if (!run_quiet("umount -l " + path_)) ADD_FAILURE() << "umount -l " << path_ << " failed";
  run_quiet("e2fsck -fy " + image_);  // exit 1 = "errors corrected": expected after the drill
  // A new loop device: `mount -o loop` would find the old one, whose read-only super block lives
  // on while the server still holds files of it, and mount that again.
  std::string loop_dev;
  if (FILE* p = ::popen(("losetup -f --show " + image_).c_str(), "r")) {
    char buf[128] = {};
    if (std::fgets(buf, sizeof buf, p)) loop_dev = buf;
    ::pclose(p);
  }
  while (!loop_dev.empty() && std::isspace(static_cast<unsigned char>(loop_dev.back())))
    loop_dev.pop_back();
  if (loop_dev.empty() || !run_quiet("mount -o errors=remount-ro " + loop_dev + " " + path_))
    ADD_FAILURE() << "mounting the repaired image failed";
  extra_loop_devices_.push_back(loop_dev);
}

// --- PacedLoad --------------------------------------------------------------------------------

PacedLoad::PacedLoad(double rate_per_second, int threads, std::function<void(std::int64_t)> fire) {
  auto start = std::chrono::steady_clock::now();
  auto period = std::chrono::duration<double>(1.0 / rate_per_second);
  for (int t = 0; t < threads; ++t) {
    threads_.emplace_back([this, t, threads, start, period, fire] {
      for (std::int64_t seq = t; !stopping_.load(); seq += threads) {
        auto due =
            start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(period * seq);
        std::this_thread::sleep_until(due);
        if (stopping_.load()) break;
        fire(seq);
        fired_.fetch_add(1);
      }
    });
  }
}

PacedLoad::~PacedLoad() { stop(); }

void PacedLoad::stop() {
  stopping_.store(true);
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

// --- Batches and ledgers ----------------------------------------------------------------------

std::vector<std::string> numbered_ids(const std::string& prefix, int first, int count) {
  std::vector<std::string> ids;
  for (int i = first; i < first + count; ++i) ids.push_back(prefix + "-" + std::to_string(i));
  return ids;
}

nlohmann::json numbered_batch(const std::string& tenant, const std::string& prefix, int first,
                              int count, std::int64_t ts_ms) {
  static const char* kStages[] = {"new", "qualified", "won"};
  auto events = nlohmann::json::array();
  for (int i = first; i < first + count; ++i) {
    std::string lead = prefix + "-lead-" + std::to_string(i / 3);
    nlohmann::json e = {{"id", prefix + "-" + std::to_string(i)},
                        {"tenant_id", tenant},
                        {"timestamp", rfc3339(ts_ms + i)}};
    switch (i % 3) {
      case 0:
        e["type"] = "lead_created";
        e["lead_id"] = lead;
        break;
      case 1:
        e["type"] = "message";
        e["conversation_id"] = "conv-" + lead;
        e["sender"] = "lead";
        e["text"] = "I love the price, but delivery is slow";
        break;
      default:
        e["type"] = "stage_changed";
        e["lead_id"] = lead;
        e["funnel_id"] = "drill";
        e["stage"] = kStages[(i / 3) % 3];
        break;
    }
    events.push_back(std::move(e));
  }
  return events;
}

void AckLedger::add(const std::vector<std::string>& ids) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mutex_);
  ids_.insert(ids.begin(), ids.end());
  for (const auto& id : ids) acked_at_.try_emplace(id, now);
}

std::optional<std::chrono::steady_clock::time_point> AckLedger::acked_at(
    const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = acked_at_.find(id);
  if (it == acked_at_.end()) return std::nullopt;
  return it->second;
}

std::set<std::string> AckLedger::ids() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ids_;
}

std::size_t AckLedger::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return ids_.size();
}

// --- IngestClient -----------------------------------------------------------------------------

IngestClient::IngestClient(const ServerProcess& server, std::string tenant,
                           double batches_per_second, int threads, int batch_events)
    : server_(server), tenant_(std::move(tenant)), batch_events_(batch_events) {
  load_ = std::make_unique<PacedLoad>(batches_per_second, threads, [this](std::int64_t seq) {
    send(static_cast<int>(seq) * batch_events_);
  });
}

IngestClient::~IngestClient() { stop(); }

void IngestClient::stop() { load_->stop(); }

void IngestClient::retry_refused(double timeout_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::deque<int> pending;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending.swap(refused_);
    }
    if (pending.empty()) return;
    for (int first : pending) send(first);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "refused batches still refused after " << timeout_seconds << " s";
}

void IngestClient::send(int first) {
  auto batch = numbered_batch(tenant_, "ev", first, batch_events_, now_ms() - 60'000);
  auto r = server_.post_json("/analytics/process/batch", {{"events", batch}},
                             {{"X-Tenant-ID", tenant_}});
  if (r.status == 200) acked_.add(numbered_ids("ev", first, batch_events_));
  std::lock_guard<std::mutex> lock(mutex_);
  ++statuses_[r.status];
  if (r.status == 200) return;
  refused_.push_back(first);
  ++refusals_;
  bool clean = r.status == 503 && !r.header("retry-after").empty() &&
               r.body.find("\"error\"") != std::string::npos;
  if (!clean) {
    ++unclean_;
    if (unclean_examples_.size() < 2000)
      unclean_examples_ += std::to_string(r.status) + " " + r.body + "\n";
  }
}

int IngestClient::refusals() const {
  std::lock_guard<std::mutex> l(mutex_);
  return refusals_;
}
int IngestClient::unclean_refusals() const {
  std::lock_guard<std::mutex> l(mutex_);
  return unclean_;
}
std::string IngestClient::unclean_examples() const {
  std::lock_guard<std::mutex> l(mutex_);
  return unclean_examples_;
}
std::map<int, int> IngestClient::statuses() const {
  std::lock_guard<std::mutex> l(mutex_);
  return statuses_;
}

std::vector<std::string> sqlite_event_ids(const std::string& db_path, const std::string& tenant) {
  sqlite3* db = nullptr;
  std::vector<std::string> ids;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    ADD_FAILURE() << "cannot open " << db_path << ": " << sqlite3_errmsg(db);
    sqlite3_close(db);
    return ids;
  }
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT id FROM events WHERE tenant_id = ?", -1, &stmt, nullptr);
  sqlite3_bind_text(stmt, 1, tenant.c_str(), -1, SQLITE_TRANSIENT);
  while (sqlite3_step(stmt) == SQLITE_ROW)
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return ids;
}

std::string sqlite_integrity(const std::string& db_path) {
  sqlite3* db = nullptr;
  std::string verdict = "cannot open";
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr);
    verdict.clear();
    while (sqlite3_step(stmt) == SQLITE_ROW)
      verdict += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return verdict;
}

std::vector<std::string> postgres_event_ids(const std::string& url, const std::string& tenant) {
  std::vector<std::string> ids;
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(url.c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot connect to " << url;
    return ids;
  }
  const char* params[] = {tenant.c_str()};
  std::unique_ptr<PGresult, decltype(&PQclear)> res(
      PQexecParams(conn.get(), "SELECT id FROM events WHERE tenant_id = $1", 1, nullptr, params,
                   nullptr, nullptr, 0),
      &PQclear);
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
    ADD_FAILURE() << "query failed: " << PQerrorMessage(conn.get());
    return ids;
  }
  for (int r = 0; r < PQntuples(res.get()); ++r) ids.emplace_back(PQgetvalue(res.get(), r, 0));
  return ids;
}

}  // namespace zaplify::testing
