#include "http/param_check.h"

#include "routing/param_patterns.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>
#include <sstream>

namespace zaplify::core {
namespace {

std::optional<double> as_integer(const std::string& v) {
  std::int64_t n = 0;
  const char* begin = v.data();  // no '+': the same rule as sdk::Request::limit
  const char* end = v.data() + v.size();
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (begin == end || ec != std::errc() || ptr != end) return std::nullopt;
  return static_cast<double>(n);
}

std::optional<double> as_number(const std::string& v) {
  // strtod alone accepts "inf", "nan", hex and leading spaces: allow only a plain decimal.
  if (v.empty() || v.find_first_not_of("+-0123456789.eE") != std::string::npos) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(v.c_str(), &end);
  if (end != v.c_str() + v.size() || !std::isfinite(d)) return std::nullopt;
  return d;
}

std::string bound_text(double b) {
  std::ostringstream out;
  out << b;
  return out.str();
}

std::string range_text(const sdk::ParamSpec& p) {
  if (p.minimum && p.maximum)
    return " between " + bound_text(*p.minimum) + " and " + bound_text(*p.maximum);
  if (p.minimum) return " of at least " + bound_text(*p.minimum);
  if (p.maximum) return " of at most " + bound_text(*p.maximum);
  return "";
}

std::size_t code_points(const std::string& v) {
  std::size_t n = 0;
  for (unsigned char c : v) n += (c & 0xC0) != 0x80;
  return n;
}

void check_string(const sdk::ParamSpec& p, const std::string& v) {
  if (p.max_length && code_points(v) > p.max_length)
    throw sdk::invalid_parameter(
        p.name, p.name + " must be at most " + std::to_string(p.max_length) + " characters");
  if (!p.pattern.empty() && !std::regex_match(v, param_pattern(p.pattern)))
    throw sdk::invalid_parameter(p.name, p.name + " must match the pattern " + p.pattern);
}

void check_value(const sdk::ParamSpec& p, const std::string& v) {
  if (p.type == "integer" || p.type == "number") {
    const auto n = p.type == "integer" ? as_integer(v) : as_number(v);
    const bool in_range = n && (!p.minimum || *n >= *p.minimum) && (!p.maximum || *n <= *p.maximum);
    if (!in_range)
      throw sdk::invalid_parameter(
          p.name,
          p.name + " must be " + (p.type == "integer" ? "an integer" : "a number") + range_text(p));
  } else if (p.type == "boolean" && v != "true" && v != "false") {
    throw sdk::invalid_parameter(p.name, p.name + " must be true or false");
  } else if (p.type == "string") {
    check_string(p, v);
  }
  if (p.allowed.empty()) return;
  for (const auto& a : p.allowed)
    if (a == v) return;
  std::string list;
  for (const auto& a : p.allowed) list += (list.empty() ? "" : ", ") + a;
  throw sdk::invalid_parameter(p.name, p.name + " must be one of: " + list);
}

}  // namespace

void check_declared_params(const std::vector<sdk::ParamSpec>& params,
                           std::map<std::string, std::string>& query,
                           const std::map<std::string, std::string>& path_params) {
  for (const auto& p : params) {
    const auto& source = p.in == sdk::ParamLocation::Path ? path_params : query;
    auto it = source.find(p.name);
    const bool absent = it == source.end();
    if (p.required && (absent || it->second.empty()))
      throw sdk::invalid_parameter(p.name, p.name + " is required");
    if (!absent) {
      check_value(p, it->second);  // an empty value too: "limit=" is not an integer
    } else if (p.in == sdk::ParamLocation::Query && !p.default_value.empty()) {
      query.emplace(p.name, p.default_value);
    }
  }
}

}  // namespace zaplify::core
