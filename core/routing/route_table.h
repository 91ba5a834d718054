#pragma once
// The route table the core owns: an immutable snapshot of every live route (core and plugins),
// swapped atomically on reload. Pistache's own router is never mutated while serving.

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zaplify/sdk/http.h"

namespace zaplify::core {

/// One live route. `owner` keeps whatever the handler needs alive (for a plugin route: the plugin
/// object and its library) for as long as anyone holds this entry, e.g. a request in flight.
struct RouteEntry {
  /// Declared first so it is destroyed last: the handler in `spec` (plugin code) dies before the
  /// library that holds its code can be released.
  std::shared_ptr<void> owner;
  sdk::RouteSpec spec;
  std::string plugin;    ///< "core" for built-in routes.
  std::string build_id;  ///< The plugin library's fingerprint; "" for built-in routes.
};

struct RouteMatch {
  std::shared_ptr<const RouteEntry> entry;  ///< Null when nothing matched.
  std::map<std::string, std::string> path_params;
  /// True when the path exists for another method (→ 405); `allowed` lists those methods.
  bool method_not_allowed = false;
  std::vector<sdk::Method> allowed;
};

/// Immutable after construction; safe to share between threads.
class RouteTable {
 public:
  /// Throws std::invalid_argument naming both plugins when two entries share a method and a path
  /// shape (`/a/{x}` and `/a/{y}` are the same shape), or when a path is malformed.
  explicit RouteTable(std::vector<std::shared_ptr<const RouteEntry>> entries);

  /// Literal segments win over `{param}` segments at the same position. Path parameters are
  /// percent-decoded.
  RouteMatch match(sdk::Method method, std::string_view path) const;

  const std::vector<std::shared_ptr<const RouteEntry>>& entries() const { return entries_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  ///< "{name}" marks a parameter.
    std::shared_ptr<const RouteEntry> entry;
  };
  std::vector<std::shared_ptr<const RouteEntry>> entries_;
  std::vector<Compiled> compiled_;
};

/// Where the HTTP layer gets the current snapshot from. Thread-safe.
class RouteTableSource {
 public:
  virtual ~RouteTableSource() = default;
  virtual std::shared_ptr<const RouteTable> current() const = 0;
};

/// Splits "/a/b/c" into {"a","b","c"}; empty segments dropped.
std::vector<std::string> split_path(std::string_view path);

}  // namespace zaplify::core
