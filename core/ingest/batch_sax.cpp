// parse_batch: one SAX pass over the body straight into sdk::Event values. The nlohmann DOM (a
// std::map per event, a node per value) was most of ingestion's CPU; here each event's fields land
// in a reused RawEvent, are validated by the same rules as validate_event, and move into the Event.

#include <algorithm>
#include <string>

#include "ingest/batch_parser.h"
#include "ingest/properties.h"
#include "ingest/utf8.h"
#include "ingest/validate.h"

namespace zaplify::core::ingest {
namespace {

using json = nlohmann::json;

// Where the parser is: the value that arrives next belongs to this level.
// Properties: inside an event's `properties` object, whose values PropertiesBuilder keeps.
enum class Level : std::uint8_t { Top, Body, Events, Event, Stages, Properties, Done };

class BatchSax final : public nlohmann::json_sax<json> {
 public:
  BatchSax(const IngestCaller& caller, std::int64_t now_ms, const IngestSettings& settings,
           bool marker_is_invalid, const EventTypeSnapshot* declared)
      : caller_(caller),
        now_ms_(now_ms),
        settings_(settings),
        marker_is_invalid_(marker_is_invalid),
        declared_(declared) {}

  bool null() override {
    if (in_properties()) props_.value(nullptr, 0);
    return scalar(Kind::Null);
  }
  bool boolean(bool v) override {
    if (in_properties()) props_.value(v, 0);
    return scalar(Kind::Other);
  }
  bool number_integer(number_integer_t v) override {
    if (in_properties())
      props_.value(v, 0);
    else if (RawValue* s = scalar_slot(Kind::Integer))
      s->i = v;
    return true;
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (in_properties())
      props_.value(v, 0);
    else if (RawValue* s = scalar_slot(Kind::Unsigned))
      s->u = v;
    return true;
  }
  bool number_float(number_float_t v, const string_t&) override {
    if (in_properties())
      props_.value(v, 0);
    else if (RawValue* s = scalar_slot(Kind::Float))
      s->d = v;
    return true;
  }
  bool string(string_t& v) override {
    if (in_properties()) {
      props_.value(v, v.size());
      return true;
    }
    if (skip_ == 0 && level_ == Level::Stages) {
      ++raw_.stages.count;
      if (!raw_.stages.has_non_string) raw_.stages.items.push_back(v);
      return true;
    }
    // Copy rather than move: the lexer keeps its buffer's capacity, the slot keeps its own, and
    // the one allocation left per long string is the Event's.
    if (RawValue* s = scalar_slot(Kind::String)) s->str.assign(v);
    return true;
  }
  bool binary(binary_t&) override { return scalar(Kind::Other); }

  bool start_object(std::size_t) override { return open(/*is_object=*/true); }
  bool start_array(std::size_t) override { return open(/*is_object=*/false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (skip_ > 0) return true;
    if (level_ == Level::Body)
      events_key_ = k == "events";
    else if (level_ == Level::Event)
      field_ = field_of(k);
    else if (level_ == Level::Properties)
      props_.key(k);
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  // Events are rarely under ~150 bytes of JSON: reserving by body size avoids most regrowth
  // without holding much more than the batch needs.
  void reserve_for(std::size_t body_bytes) {
    out_.events.reserve(std::min<std::size_t>(
        body_bytes / 128 + 1,
        static_cast<std::size_t>(std::max(settings_.max_events_per_batch, 0))));
  }

  /// After a successful parse: the batch, or the 400 / 413 the body deserves.
  ParsedBatch finish() {
    if (!events_is_array_) throw_no_events_array();
    if (count_ > static_cast<std::size_t>(settings_.max_events_per_batch))
      throw_too_many_events(count_, settings_.max_events_per_batch);
    out_.in_batch_duplicates = drop_in_batch_duplicates(out_.events);
    return std::move(out_);
  }

 private:
  bool in_properties() const { return skip_ == 0 && level_ == Level::Properties; }

  // A scalar arrived: the slot it fills, with its kind set, or nullptr when nothing keeps it.
  // REQUIRES: !in_properties().
  RawValue* scalar_slot(Kind kind) {
    if (skip_ > 0 || level_ == Level::Properties) return nullptr;
    switch (level_) {
      case Level::Event:
        if (field_ == Field::kStages) {
          set_stages_kind(kind);
          return nullptr;
        }
        if (field_ == Field::kProperties) {
          set_properties_not_object(kind);
          return nullptr;
        }
        if (RawValue* s = raw_.value(field_)) {
          s->kind = kind;
          return s;
        }
        return nullptr;
      case Level::Stages:
        ++raw_.stages.count;
        raw_.stages.has_non_string = true;
        return nullptr;
      default:
        non_event_value();
        return nullptr;
    }
  }
  bool scalar(Kind kind) {
    scalar_slot(kind);
    return true;
  }

  void set_stages_kind(Kind kind) {
    raw_.stages.kind = kind;
    raw_.stages.count = 0;
    raw_.stages.has_non_string = false;
    raw_.stages.items.clear();
  }

  // A later "properties" key replaces the earlier one's value (last key wins, as in a DOM).
  void set_properties_not_object(Kind kind) {
    RawProperties& p = raw_.properties;
    p.kind = kind;
    p.is_object = false;
    p.too_deep = false;
    p.min_bytes = 0;
    p.value = nullptr;
  }

  // A scalar or a container at the Top / Body / Events levels.
  void non_event_value() {
    switch (level_) {
      case Level::Top:
        level_ = Level::Done;
        break;  // not an object: events_is_array_ stays false
      case Level::Body:
        if (events_key_) reset_events(false);
        break;
      case Level::Events:
        if (++count_ <= static_cast<std::size_t>(settings_.max_events_per_batch))
          out_.rejected.push_back(
              {{"index", count_ - 1}, {"id", nullptr}, {"error", "event must be a JSON object"}});
        break;
      default:
        break;
    }
  }

  bool open(bool is_object) {
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    switch (level_) {
      case Level::Top:
        if (is_object)
          level_ = Level::Body;
        else
          start_skip();
        return true;
      case Level::Body:
        if (events_key_ && !is_object) {
          reset_events(true);
          level_ = Level::Events;
        } else {
          non_event_value();
          start_skip();
        }
        return true;
      case Level::Events:
        if (is_object && count_ < static_cast<std::size_t>(settings_.max_events_per_batch)) {
          ++count_;
          raw_.reset();
          field_ = Field::kUnknown;
          level_ = Level::Event;
        } else {
          non_event_value();
          start_skip();
        }
        return true;
      case Level::Event:
        if (field_ == Field::kProperties) {
          if (is_object) {
            props_.begin(raw_.properties);
            level_ = Level::Properties;
            return true;
          }
          set_properties_not_object(Kind::Array);
          start_skip();
          return true;
        }
        if (field_ == Field::kStages && !is_object) {
          set_stages_kind(Kind::Array);
          level_ = Level::Stages;
          return true;
        }
        if (field_ == Field::kStages)
          set_stages_kind(Kind::Other);
        else if (RawValue* s = raw_.value(field_))
          s->kind = is_object ? Kind::Other : Kind::Array;
        start_skip();
        return true;
      case Level::Stages:
        ++raw_.stages.count;
        raw_.stages.has_non_string = true;
        start_skip();
        return true;
      case Level::Properties:
        props_.open(is_object);
        return true;
      default:
        start_skip();
        return true;
    }
  }

  bool close() {
    if (skip_ > 0) {
      --skip_;
      return true;
    }
    switch (level_) {
      case Level::Body:
        level_ = Level::Done;
        break;
      case Level::Events:
        level_ = Level::Body;
        break;
      case Level::Event:
        finish_event();
        level_ = Level::Events;
        break;
      case Level::Stages:
        level_ = Level::Event;
        break;
      case Level::Properties:
        if (props_.close()) level_ = Level::Event;
        break;
      default:
        break;
    }
    return true;
  }

  void start_skip() { skip_ = 1; }

  // A later "events" key replaces the earlier one's value (last key wins, as in a DOM).
  void reset_events(bool is_array) {
    events_is_array_ = is_array;
    count_ = 0;
    out_.events.clear();
    out_.rejected = json::array();
  }

  void finish_event() {
    sdk::Event& ev = out_.events.emplace_back();
    std::string error = validate_raw(raw_, caller_, now_ms_, settings_.retention_days,
                                     marker_is_invalid_, ev, declared_);
    if (error.empty()) return;
    // A valid id was moved into ev.id; an invalid one is still in raw_.
    json id = nullptr;
    if (raw_.id.kind == Kind::String) id = ev.id.empty() ? raw_.id.str : ev.id;
    out_.rejected.push_back(
        {{"index", count_ - 1}, {"id", std::move(id)}, {"error", std::move(error)}});
    out_.events.pop_back();
  }

  const IngestCaller& caller_;
  const std::int64_t now_ms_;
  const IngestSettings& settings_;
  const bool marker_is_invalid_;
  const EventTypeSnapshot* const declared_;  // may be null

  Level level_ = Level::Top;
  std::size_t skip_ = 0;     // depth inside a container nobody reads
  bool events_key_ = false;  // the Body key just read is "events"
  bool events_is_array_ = false;
  std::size_t count_ = 0;  // elements of the events array so far
  Field field_ = Field::kUnknown;
  RawEvent raw_;
  PropertiesBuilder props_;
  ParsedBatch out_;
};

bool sax_parse(std::string_view body, BatchSax& sax) {
  return json::sax_parse(body.data(), body.data() + body.size(), &sax);
}

}  // namespace

ParsedBatch parse_batch(std::string_view body, const IngestCaller& caller, std::int64_t now_ms,
                        const IngestSettings& settings, const EventTypeSnapshot* declared) {
  {
    BatchSax sax(caller, now_ms, settings, false, declared);
    sax.reserve_for(body.size());
    if (sax_parse(body, sax)) return sax.finish();
  }
  // The lexer refuses ill-formed UTF-8 anywhere, which would fail the whole batch for one bad
  // message: retry with those bytes replaced by U+FFFF, and reject the events that carry it.
  if (is_valid_utf8(body)) throw_not_json();
  const std::string clean = replace_invalid_utf8(body, kInvalidUtf8Marker);
  BatchSax sax(caller, now_ms, settings, true, declared);
  sax.reserve_for(clean.size());
  if (!sax_parse(clean, sax)) throw_not_json();
  return sax.finish();
}

}  // namespace zaplify::core::ingest
