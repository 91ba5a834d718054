#pragma once
// Test helpers: a ByteSink that records chunks; the strict RFC 4180 parser is in rfc4180.h.

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "rfc4180.h"
#include "zaplify/sdk/http.h"

namespace zaplify::exporting::testing {

struct RecordingSink : sdk::ByteSink {
  std::vector<std::string> chunks;
  void write(std::string_view bytes) override { chunks.emplace_back(bytes); }
  std::string all() const {
    std::string out;
    for (const auto& c : chunks) out += c;
    return out;
  }
};

}  // namespace zaplify::exporting::testing
