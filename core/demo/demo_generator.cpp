#include "demo/demo_generator.h"

#include <date/date.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <random>

#include "demo/demo_texts.h"
#include "ingest/ingest_service.h"

namespace zaplify::core {
namespace {

using json = nlohmann::json;
constexpr std::int64_t kMinute = 60000, kHour = 60 * kMinute, kDay = 24 * kHour;

const std::vector<std::string> kSalesStages = {"lead", "qualified", "demo", "proposal", "won"};
const std::vector<std::string> kOnboardingStages = {"signup", "setup", "first_campaign", "active"};
const std::vector<std::string> kSupportStages = {"ticket", "triaged", "solved"};

// Portable randomness: std distributions differ between standard libraries, raw mt19937_64 does
// not.
struct Rng {
  explicit Rng(std::uint64_t seed) : engine(seed) {}
  double uniform() { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return uniform() < p; }
  std::size_t pick(std::size_t n) {
    return static_cast<std::size_t>(uniform() * static_cast<double>(n)) % n;
  }
  double normal() {  // Box–Muller
    double u1 = std::max(uniform(), 1e-12), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  double lognormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
  std::mt19937_64 engine;
};

std::string rfc3339(std::int64_t ms) {
  return date::format("%FT%TZ",
                      date::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(ms)));
}

}  // namespace

struct DemoGenerator::State {
  explicit State(DemoOptions o)
      : opt(std::move(o)), rng(opt.seed), extra_rng(opt.seed ^ kExtraSeed) {
    if (opt.end_ms == 0)
      opt.end_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
    if (opt.assistants < 1) opt.assistants = 1;
    start_ms = opt.end_ms - static_cast<std::int64_t>(std::max(1, opt.days)) * kDay;
  }

  // Events added after the first release of the demo (WhatsApp window cases) draw from their own
  // generator and ids ("-x" ids), so every earlier demo event stays exactly as it was.
  static constexpr std::uint64_t kExtraSeed = 0x9E3779B97F4A7C15ull;

  DemoOptions opt;
  Rng rng;
  Rng extra_rng;
  std::int64_t extra_seq = 0;
  std::int64_t start_ms = 0;
  std::int64_t next_lead = 0;
  bool funnels_done = false;
  std::uint64_t produced = 0;
  std::deque<json> pending;
  std::int64_t seq = 0;  // event id counter

  // Adds an event unless it falls after end_ms; returns false then (the lead's story stops there).
  bool emit(json ev, std::int64_t ts, bool extra = false) {
    if (ts >= opt.end_ms) return false;
    ev["id"] = extra ? opt.tenant + "-x" + std::to_string(++extra_seq)
                     : opt.tenant + "-e" + std::to_string(++seq);
    ev["tenant_id"] = opt.tenant;
    ev["timestamp"] = rfc3339(ts);
    pending.push_back(std::move(ev));
    return true;
  }

  void define_funnels() {
    auto def = [&](const char* id, const char* name, const std::vector<std::string>& stages) {
      emit({{"type", "funnel_defined"}, {"funnel_id", id}, {"name", name}, {"stages", stages}},
           start_ms);
    };
    def("sales", "Sales pipeline", kSalesStages);
    def("onboarding", "Customer onboarding", kOnboardingStages);
    def("support", "Support tickets", kSupportStages);
    funnels_done = true;
  }

  bool stage(const std::string& lead, const char* funnel, const std::string& name,
             std::int64_t ts) {
    return emit(
        {{"type", "stage_changed"}, {"lead_id", lead}, {"funnel_id", funnel}, {"stage", name}}, ts);
  }

  void generate_lead(std::int64_t n);
  void whatsapp_follow_up(const std::string& lead, std::int64_t n, std::int64_t after);
  std::int64_t conversation(const std::string& lead, std::int64_t n, std::int64_t t, int& mood);
  void progress(const std::string& lead, std::int64_t t, int mood);
};

// One conversation; returns the time of its last event (or end_ms when cut by the end).
std::int64_t DemoGenerator::State::conversation(const std::string& lead, std::int64_t n,
                                                std::int64_t t, int& mood) {
  const std::string conv = "conv-" + std::to_string(n);
  const int lang = rng.chance(0.5) ? 0 : 1;
  const bool human_only = rng.chance(opt.human_only_share);
  json start = {{"type", "conversation_started"}, {"conversation_id", conv}, {"lead_id", lead}};
  start["assistant_id"] =
      human_only ? json(nullptr)
                 : json("assistant-" +
                        std::to_string(1 + rng.pick(static_cast<std::size_t>(opt.assistants))));
  double c = rng.uniform();
  if (c < 0.12)
    start["channel"] = "instagram";
  else if (c < 0.20)
    start["channel"] = "web";
  else if (c < 0.6)
    start["channel"] = "whatsapp";  // the rest omit it: defaults to whatsapp
  if (!emit(std::move(start), t)) return opt.end_ms;
  const bool handoff = human_only || rng.chance(0.22);
  const int exchanges = 1 + static_cast<int>(rng.pick(5));
  const auto& phrases = demo::lead_phrases(lang);
  for (int k = 0; k < exchanges; ++k) {
    t += static_cast<std::int64_t>(rng.lognormal(40000, 1.0));
    std::string text = k == 0 && rng.chance(0.5)
                           ? demo::greetings(lang)[rng.pick(demo::greetings(lang).size())]
                           : "";
    if (text.empty()) {
      const auto& p = phrases[rng.pick(phrases.size())];
      text = p.text;
      mood += p.sentiment;
    }
    if (!emit({{"type", "message"}, {"conversation_id", conv}, {"sender", "lead"}, {"text", text}},
              t))
      return opt.end_ms;
    const bool by_agent = handoff && (human_only || k >= exchanges / 2);
    json reply = {{"type", "message"}, {"conversation_id", conv}};
    double rt = by_agent ? rng.lognormal(90000, 0.9) : rng.lognormal(1200, 0.6);
    reply["sender"] = by_agent ? "agent" : "assistant";
    const auto& texts = by_agent ? demo::agent_replies(lang) : demo::assistant_replies(lang);
    reply["text"] = texts[rng.pick(texts.size())];
    reply["response_time_ms"] = std::round(rt * 10) / 10;
    if (!by_agent) reply["tokens"] = 20 + static_cast<int>(rng.pick(280));
    t += static_cast<std::int64_t>(rt);
    if (!emit(std::move(reply), t)) return opt.end_ms;
  }
  // Recent conversations are often still open; older ones mostly ended.
  const bool recent = opt.end_ms - t < 2 * kDay;
  if (rng.chance(recent ? 0.6 : 0.08)) return t;
  const char* outcome = handoff                         ? "handoff"
                        : (mood < 0 && rng.chance(0.6)) ? "abandoned"
                        : rng.chance(0.85)              ? "resolved"
                                                        : "abandoned";
  t += static_cast<std::int64_t>(rng.lognormal(5 * kMinute, 0.8));
  emit({{"type", "conversation_ended"}, {"conversation_id", conv}, {"outcome", outcome}}, t);
  return t;
}

// Funnel progress: forward steps with drop-offs, a few skipped stages and regressions.
void DemoGenerator::State::progress(const std::string& lead, std::int64_t t, int mood) {
  static const double kAdvance[] = {0.62, 0.55, 0.6, 0.45};
  std::size_t at = 0;
  if (!stage(lead, "sales", kSalesStages[0], t)) return;
  while (at + 1 < kSalesStages.size()) {
    double p = kAdvance[at] + (mood > 0 ? 0.1 : mood < 0 ? -0.15 : 0.0);
    if (!rng.chance(p)) break;
    t += static_cast<std::int64_t>(rng.lognormal(18 * kHour, 1.0));
    std::size_t next = at + 1;
    if (next + 1 < kSalesStages.size() && rng.chance(0.05)) ++next;  // skipped a stage
    if (!stage(lead, "sales", kSalesStages[next], t)) return;
    at = next;
    if (at >= 2 && at + 1 < kSalesStages.size() && rng.chance(0.04)) {  // went back one stage
      t += static_cast<std::int64_t>(rng.lognormal(6 * kHour, 0.7));
      if (!stage(lead, "sales", kSalesStages[--at], t)) return;
    }
  }
  if (at + 1 != kSalesStages.size()) return;
  for (std::size_t k = 0; k < kOnboardingStages.size(); ++k) {
    if (k > 0 && !rng.chance(0.7)) break;
    t += static_cast<std::int64_t>(rng.lognormal(10 * kHour, 0.8));
    if (!stage(lead, "onboarding", kOnboardingStages[k], t)) return;
  }
}

// A later WhatsApp conversation of the lead (the 24-hour window of docs/api.md, GET
// /analytics/conversations/whatsapp-window): some replies come after the window closed, and a few
// recent lead messages still wait for an answer near the end, so the at-risk list has entries when
// the demo loads.
void DemoGenerator::State::whatsapp_follow_up(const std::string& lead, std::int64_t n,
                                              std::int64_t after) {
  Rng& r = extra_rng;
  const bool waiting = opt.end_ms - after < 3 * kDay && r.chance(0.3);
  if (!waiting && !r.chance(0.12)) return;
  const std::string conv = "conv-" + std::to_string(n) + "-wa";
  std::int64_t t =
      waiting ? opt.end_ms - 22 * kHour - static_cast<std::int64_t>(r.uniform() * 2 * kHour)
              : after + static_cast<std::int64_t>(r.lognormal(8 * kHour, 0.8));
  const std::string assistant =
      "assistant-" + std::to_string(1 + r.pick(static_cast<std::size_t>(opt.assistants)));
  const int lang = r.chance(0.5) ? 0 : 1;
  if (!emit({{"type", "conversation_started"},
             {"conversation_id", conv},
             {"lead_id", lead},
             {"assistant_id", assistant},
             {"channel", "whatsapp"}},
            t - kMinute, true))
    return;
  const auto& phrases = demo::lead_phrases(lang);
  if (!emit({{"type", "message"},
             {"conversation_id", conv},
             {"sender", "lead"},
             {"text", phrases[r.pick(phrases.size())].text}},
            t, true) ||
      waiting)
    return;
  // Half of them are answered only after the 24 hours (a weekend, a missed handoff).
  const bool late = r.chance(0.5);
  const double delay =
      late ? 24.0 * kHour + r.lognormal(5 * kHour, 0.7) : r.lognormal(2 * kMinute, 0.8);
  const bool by_agent = late && r.chance(0.6);
  const auto& texts = by_agent ? demo::agent_replies(lang) : demo::assistant_replies(lang);
  json reply = {{"type", "message"},
                {"conversation_id", conv},
                {"sender", by_agent ? "agent" : "assistant"},
                {"text", texts[r.pick(texts.size())]},
                {"response_time_ms", std::round(delay)}};
  if (!by_agent) reply["tokens"] = 40 + static_cast<int>(r.pick(400));
  t += static_cast<std::int64_t>(delay);
  if (!emit(std::move(reply), t, true)) return;
  emit({{"type", "conversation_ended"},
        {"conversation_id", conv},
        {"outcome", late ? "abandoned" : "resolved"}},
       t + static_cast<std::int64_t>(r.lognormal(10 * kMinute, 0.5)), true);
}

void DemoGenerator::State::generate_lead(std::int64_t n) {
  const std::string lead = "lead-" + std::to_string(n);
  const double span = static_cast<double>(opt.end_ms - start_ms - kHour);
  std::int64_t t = start_ms + kHour +
                   static_cast<std::int64_t>(span * (static_cast<double>(n) + rng.uniform()) /
                                             static_cast<double>(opt.leads));
  static const char* kSources[] = {"whatsapp_ad", "instagram", "website", "referral", "organic"};
  json created = {{"type", "lead_created"}, {"lead_id", lead}};
  if (!rng.chance(0.1)) created["source"] = kSources[rng.pick(5)];
  if (!emit(std::move(created), t)) return;
  int mood = 0;
  std::int64_t after =
      conversation(lead, n, t + static_cast<std::int64_t>(rng.lognormal(2 * kMinute, 1.0)), mood);
  if (after >= opt.end_ms) return;
  progress(lead, t + kMinute, mood);
  if (rng.chance(0.05)) {  // a support ticket for a few leads
    std::int64_t s = after + static_cast<std::int64_t>(rng.lognormal(kDay, 0.5));
    for (std::size_t k = 0; k < kSupportStages.size(); ++k) {
      if (k > 0 && !rng.chance(0.8)) break;
      if (!stage(lead, "support", kSupportStages[k], s)) break;
      s += static_cast<std::int64_t>(rng.lognormal(4 * kHour, 0.8));
    }
  }
  whatsapp_follow_up(lead, n, after);
}

DemoGenerator::DemoGenerator(DemoOptions options)
    : state_(std::make_unique<State>(std::move(options))) {}
DemoGenerator::~DemoGenerator() = default;

bool DemoGenerator::next_batch(std::vector<json>& out, std::size_t max) {
  out.clear();
  State& s = *state_;
  if (!s.funnels_done) s.define_funnels();
  while (out.size() < max) {
    if (s.pending.empty()) {
      if (s.next_lead >= s.opt.leads) break;
      s.generate_lead(s.next_lead++);
      continue;
    }
    out.push_back(std::move(s.pending.front()));
    s.pending.pop_front();
  }
  s.produced += out.size();
  return !out.empty();
}

std::uint64_t DemoGenerator::produced() const { return state_->produced; }

std::int64_t load_demo_data(IngestService& ingest, const DemoOptions& options) {
  DemoGenerator gen(options);
  const std::int64_t now = options.end_ms != 0
                               ? options.end_ms
                               : std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  IngestCaller caller{options.tenant, true};
  std::vector<json> batch;
  std::int64_t accepted = 0;
  while (gen.next_batch(batch, 1000)) {
    json body = {{"events", std::move(batch)}};
    accepted += ingest.process(body.dump(), caller, now).accepted;
    batch = {};
  }
  return accepted;
}

}  // namespace zaplify::core
