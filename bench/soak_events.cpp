#include "soak_events.h"

#include "dataset.h"

namespace zaplify::bench {
namespace {

// Written for this benchmark; they touch the default topic taxonomy (price, delivery, payment,
// support) and both lexicons, so sentiment and topics have work to do.
const char* const kLeadTexts[] = {
    "Hi, what is the price of the premium plan? Is there a discount?",
    "Olá, qual o preço do frete para São Paulo?",
    "My order is late and the tracking has not moved, not happy",
    "Adorei o atendimento, muito obrigado!",
    "Can I pay by card in installments?",
    "O pagamento por pix já foi feito, quando chega?",
    "This is great, thanks for the quick answer",
    "Ninguém responde, péssimo suporte",
};
const char* const kAssistantTexts[] = {
    "Thanks for reaching out! Let me check that for you.",
    "Claro! Vou verificar para você agora mesmo.",
    "The premium plan has a 10% discount this month.",
};
constexpr int kStepsPerUnit = 9;

}  // namespace

SoakEventGenerator::SoakEventGenerator(std::string tenant, std::string funnel_id,
                                       std::vector<std::string> stages, std::string run_tag)
    : tenant_(std::move(tenant)),
      funnel_id_(std::move(funnel_id)),
      stages_(std::move(stages)),
      tag_(std::move(run_tag)) {}

nlohmann::json SoakEventGenerator::event_of_step(std::uint64_t unit, int step, bool& unit_done) {
  const std::string n = std::to_string(unit);
  const std::string lead = tag_ + "-lead-" + n;
  const std::string conv = tag_ + "-conv-" + n;
  unit_done = step == kStepsPerUnit - 1;
  switch (step) {
    case 0:
      return {{"type", "lead_created"}, {"lead_id", lead}, {"source", "soak"}};
    case 1:
      return {{"type", "conversation_started"},
              {"conversation_id", conv},
              {"lead_id", lead},
              {"assistant_id", "assistant-" + std::to_string(1 + unit % 4)},
              {"channel", "whatsapp"}};
    case 2:
    case 4:
      return {
          {"type", "message"},
          {"conversation_id", conv},
          {"sender", "lead"},
          {"text", kLeadTexts[(unit + static_cast<std::uint64_t>(step)) % std::size(kLeadTexts)]}};
    case 3:
    case 5:
      return {{"type", "message"},
              {"conversation_id", conv},
              {"sender", "assistant"},
              {"text", kAssistantTexts[unit % std::size(kAssistantTexts)]},
              {"response_time_ms", 800 + static_cast<int>(unit % 37) * 100},
              {"tokens", 40 + unit % 60}};
    case 6:
    case 7: {
      // Every lead enters the first stage; one in three moves on, which keeps the funnel's
      // conversion figures non-trivial. The rest make no stage event at this step.
      if (stages_.empty() || (step == 7 && (unit % 3 != 0 || stages_.size() < 2))) return nullptr;
      std::size_t index = step == 6 ? 0 : 1 + (unit / 3) % (stages_.size() - 1);
      return {{"type", "stage_changed"},
              {"lead_id", lead},
              {"funnel_id", funnel_id_},
              {"stage", stages_[index]}};
    }
    default: {
      if (unit % 10 >= 7) return nullptr;  // 30% stay open: active conversations for real-time
      static const char* const outcomes[] = {"resolved", "resolved", "handoff", "abandoned"};
      return {{"type", "conversation_ended"},
              {"conversation_id", conv},
              {"outcome", outcomes[unit % 4]}};
    }
  }
}

std::vector<nlohmann::json> SoakEventGenerator::next_events(std::size_t count,
                                                            std::int64_t now_ms) {
  std::vector<nlohmann::json> out;
  out.reserve(count);
  while (out.size() < count) {
    bool done = false;
    nlohmann::json e = event_of_step(unit_, step_, done);
    if (done) {
      ++unit_;
      step_ = 0;
    } else {
      ++step_;
    }
    if (e.is_null()) continue;
    out.push_back(std::move(e));
  }
  // 10 ms apart, the last at now: in order within the batch, and never in the future.
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto& e = out[i];
    e["id"] = tag_ + "-e" + std::to_string(++produced_);
    e["tenant_id"] = tenant_;
    e["timestamp"] = format_rfc3339_ms(now_ms - static_cast<std::int64_t>(out.size() - 1 - i) * 10);
  }
  return out;
}

std::string SoakEventGenerator::next_body(std::size_t count, std::int64_t now_ms) {
  return nlohmann::json({{"events", next_events(count, now_ms)}}).dump();
}

}  // namespace zaplify::bench
