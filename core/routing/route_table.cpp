#include "routing/route_table.h"

#include "routing/param_patterns.h"

#include <stdexcept>

namespace zaplify::core {
namespace {

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size()) {
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(in[i]);
  }
  return out;
}

std::string shape_of(const std::vector<std::string>& segments) {
  std::string shape;
  for (const auto& s : segments) shape += "/" + (is_param(s) ? std::string("{}") : s);
  return shape.empty() ? "/" : shape;
}

}  // namespace

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

RouteTable::RouteTable(std::vector<std::shared_ptr<const RouteEntry>> entries)
    : entries_(std::move(entries)) {
  std::map<std::string, const RouteEntry*> seen;
  for (const auto& entry : entries_) {
    const auto& path = entry->spec.path;
    if (path.empty() || path.front() != '/' || path.find('?') != std::string::npos)
      throw std::invalid_argument("route path '" + path + "' of plugin '" + entry->plugin +
                                  "' must start with '/' and hold no query");
    if (entry->spec.required_role == sdk::Role::Public && entry->spec.method != sdk::Method::Get)
      throw std::invalid_argument("route " + path + " of plugin '" + entry->plugin +
                                  "': only a GET route may be public");
    try {
      compile_param_patterns(entry->spec.params);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("route " + path + " of plugin '" + entry->plugin +
                                  "': " + e.what());
    }
    auto segments = split_path(path);
    std::string key = std::string(sdk::method_name(entry->spec.method)) + " " + shape_of(segments);
    auto [it, inserted] = seen.emplace(key, entry.get());
    if (!inserted)
      throw std::invalid_argument("route " + key + " is registered by both plugin '" +
                                  it->second->plugin + "' and plugin '" + entry->plugin + "'");
    compiled_.push_back(Compiled{std::move(segments), entry});
  }
}

RouteMatch RouteTable::match(sdk::Method method, std::string_view path) const {
  auto parts = split_path(path);
  RouteMatch result;
  int best_score = -1;
  for (const auto& c : compiled_) {
    if (c.segments.size() != parts.size()) continue;
    int score = 0;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      const auto& seg = c.segments[i];
      if (is_param(seg)) {
        params[seg.substr(1, seg.size() - 2)] = percent_decode(parts[i]);
      } else if (seg == parts[i]) {
        score += 1 << (parts.size() - i);  // earlier literal segments weigh more
      } else {
        ok = false;
      }
    }
    if (!ok) continue;
    if (c.entry->spec.method != method) {
      result.allowed.push_back(c.entry->spec.method);
      continue;
    }
    if (score > best_score) {
      best_score = score;
      result.entry = c.entry;
      result.path_params = std::move(params);
    }
  }
  result.method_not_allowed = !result.entry && !result.allowed.empty();
  return result;
}

}  // namespace zaplify::core
