#include "ingest/properties.h"

#include <utility>

namespace zaplify::core::ingest {
namespace {

using json = nlohmann::json;

constexpr std::string_view kMarker = "\xEF\xBF\xBF";  // U+FFFF, see batch_parser.h

// Deepest nesting of `v` (a scalar is 0, an empty object 1), stopping early past `limit`.
// Iterative: a hostile body may nest far deeper than the stack allows.
int depth_of(const json& v, int limit) {
  std::vector<std::pair<const json*, int>> todo{{&v, 1}};
  int deepest = 0;
  while (!todo.empty()) {
    auto [node, d] = todo.back();
    todo.pop_back();
    if (!node->is_structured()) continue;
    if (d > deepest) deepest = d;
    if (deepest > limit) return deepest;
    for (const auto& child : *node) todo.emplace_back(&child, d + 1);
  }
  return deepest;
}

// The first text rule `v` breaks ("" when none). Recursive: only called once the depth is bounded.
std::string check_strings(const json& v, bool marker_is_invalid) {
  auto bad = [&](std::string_view s) -> std::string {
    if (s.find('\0') != std::string_view::npos)
      return "'properties' must not contain NUL characters";
    if (marker_is_invalid && s.find(kMarker) != std::string_view::npos)
      return "'properties' is not valid UTF-8";
    return {};
  };
  if (v.is_string()) return bad(v.get_ref<const std::string&>());
  if (v.is_object())
    for (const auto& [k, child] : v.items()) {
      if (auto e = bad(k); !e.empty()) return e;
      if (auto e = check_strings(child, marker_is_invalid); !e.empty()) return e;
    }
  if (v.is_array())
    for (const auto& child : v)
      if (auto e = check_strings(child, marker_is_invalid); !e.empty()) return e;
  return {};
}

bool has_type(const json& v, sdk::JsonType t) {
  switch (t) {
    case sdk::JsonType::String:
      return v.is_string();
    case sdk::JsonType::Number:
      return v.is_number();
    case sdk::JsonType::Integer:
      return v.is_number_integer();
    case sdk::JsonType::Boolean:
      return v.is_boolean();
    case sdk::JsonType::Object:
      return v.is_object();
    case sdk::JsonType::Array:
      return v.is_array();
  }
  return false;
}

}  // namespace

void PropertiesBuilder::begin(RawProperties& out) {
  out_ = &out;
  out.kind = Kind::Other;
  out.is_object = true;
  out.too_deep = false;
  out.min_bytes = 2;  // {}
  out.value = json::object();
  stack_.assign(1, &out.value);
  depth_ = 1;
}

void PropertiesBuilder::count(std::size_t bytes) {
  out_->min_bytes += bytes;
  if (out_->min_bytes > sdk::kMaxPropertiesBytes) stop();
}

void PropertiesBuilder::stop() {
  if (stack_.empty()) return;
  stack_.clear();
  out_->value = nullptr;  // frees what was built: the verdict no longer needs it
}

// Only the innermost open container grows, so the pointers on the stack stay valid: a parent array
// reallocates only after its child was closed and popped.
void PropertiesBuilder::add(json v) {
  if (stack_.empty()) return;
  json& parent = *stack_.back();
  if (parent.is_object())
    parent[key_] = std::move(v);  // a repeated key: the last wins, as in a DOM
  else
    parent.push_back(std::move(v));
}

void PropertiesBuilder::value(json v, std::size_t text_bytes) {
  count(v.is_string() ? text_bytes + 2 : 1);
  add(std::move(v));
}

void PropertiesBuilder::key(std::string_view k) {
  count(k.size() + 3);  // "k":
  if (!stack_.empty()) key_.assign(k);
}

void PropertiesBuilder::open(bool is_object) {
  ++depth_;
  count(2);
  if (depth_ > sdk::kMaxPropertiesDepth) {
    out_->too_deep = true;
    stop();
  }
  if (stack_.empty()) return;
  json& parent = *stack_.back();
  json child = is_object ? json::object() : json::array();
  json* slot = nullptr;
  if (parent.is_object()) {
    slot = &(parent[key_] = std::move(child));
  } else {
    parent.push_back(std::move(child));
    slot = &parent.back();
  }
  stack_.push_back(slot);
}

bool PropertiesBuilder::close() {
  --depth_;
  if (!stack_.empty()) stack_.pop_back();
  return depth_ == 0;
}

void properties_from_json(const json& v, RawProperties& out) {
  out.is_object = v.is_object();
  out.too_deep = false;
  out.min_bytes = 0;
  out.value = nullptr;
  if (v.is_null())
    out.kind = Kind::Null;
  else
    out.kind = v.is_array() ? Kind::Array : Kind::Other;
  if (!out.is_object) return;
  out.too_deep = depth_of(v, sdk::kMaxPropertiesDepth) > sdk::kMaxPropertiesDepth;
  if (!out.too_deep) out.value = v;
}

std::string check_properties(RawProperties& p, bool marker_is_invalid, std::string& out) {
  if (p.kind == Kind::Missing || p.kind == Kind::Null) return {};
  if (!p.is_object) return "'properties' must be a JSON object";
  if (p.too_deep)
    return "'properties' nests deeper than " + std::to_string(sdk::kMaxPropertiesDepth) + " levels";
  const std::string too_large =
      "'properties' is larger than " + std::to_string(sdk::kMaxPropertiesBytes) + " bytes";
  if (p.min_bytes > sdk::kMaxPropertiesBytes || !p.value.is_object()) return too_large;
  // The size rule comes before the text rules in both readers, so they agree when both fail.
  std::string text = p.value.dump();
  if (text.size() > sdk::kMaxPropertiesBytes) return too_large;
  if (auto e = check_strings(p.value, marker_is_invalid); !e.empty()) return e;
  out = std::move(text);
  return {};
}

std::string check_declared_fields(const sdk::EventTypeSpec& spec, const json& properties) {
  for (const auto& f : spec.fields) {
    const json* v = nullptr;
    if (properties.is_object())
      if (auto it = properties.find(f.name); it != properties.end() && !it->is_null()) v = &*it;
    if (!v) {
      if (!f.required) continue;
      return "missing property '" + f.name + "' (required by event type '" + spec.type + "')";
    }
    if (!has_type(*v, f.type))
      return "property '" + f.name + "' must be " +
             (f.type == sdk::JsonType::Integer || f.type == sdk::JsonType::Object ||
                      f.type == sdk::JsonType::Array
                  ? "an "
                  : "a ") +
             sdk::json_type_name(f.type);
  }
  return {};
}

}  // namespace zaplify::core::ingest
