#include "config/yaml_json.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace zaplify::core {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool parse_int(const std::string& s, std::int64_t& out) {
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  if (first == last) return false;
  auto [p, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && p == last;
}

bool parse_double(const std::string& s, double& out) {
  if (s.empty()) return false;
  // Only decimal notation: from_chars would also take "inf"/"nan", which YAML spells differently.
  for (char c : s)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E'))
      return false;
  const char* first = s.data();
  if (*first == '+') ++first;
  auto [p, ec] = std::from_chars(first, s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

nlohmann::json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return text;  // quoted: the author asked for a string
  std::int64_t i = 0;
  if (parse_int(text, i)) return i;
  double d = 0;
  if (parse_double(text, d)) return d;
  std::string l = lower(text);
  if (l == "true") return true;
  if (l == "false") return false;
  if (l == "null" || l == "~" || l.empty()) return nullptr;
  return text;
}

// Aliases let a few hundred bytes name the same subtree exponentially often; copying them into JSON
// would exhaust memory. A 1 MiB config file holds fewer than 600k values without aliases, so the
// budget only ever stops alias expansion.
constexpr std::size_t kMaxJsonValues = 1'000'000;

nlohmann::json convert(const YAML::Node& node, std::size_t& budget) {
  if (budget == 0)
    throw std::invalid_argument("more than " + std::to_string(kMaxJsonValues) +
                                " values once aliases are expanded");
  --budget;
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Sequence: {
      auto out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(convert(item, budget));
      return out;
    }
    case YAML::NodeType::Map: {
      auto out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = convert(kv.second, budget);
      return out;
    }
  }
  throw std::invalid_argument("unsupported YAML node");
}

}  // namespace

nlohmann::json yaml_to_json(const YAML::Node& node) {
  std::size_t budget = kMaxJsonValues;
  return convert(node, budget);
}

}  // namespace zaplify::core
