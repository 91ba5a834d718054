#include "routing/param_patterns.h"

#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace zaplify::core {
namespace {

struct PatternCache {
  std::mutex mutex;
  std::unordered_map<std::string, std::regex> compiled;  // node-based: references stay valid
};

PatternCache& cache() {
  static PatternCache c;
  return c;
}

}  // namespace

const std::regex& param_pattern(const std::string& pattern) {
  PatternCache& c = cache();
  std::lock_guard lock(c.mutex);
  auto it = c.compiled.find(pattern);
  if (it == c.compiled.end())
    it = c.compiled.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
  return it->second;
}

void compile_param_patterns(const std::vector<sdk::ParamSpec>& params) {
  for (const auto& p : params) {
    if (p.pattern.empty()) continue;
    try {
      param_pattern(p.pattern);
    } catch (const std::regex_error& e) {
      throw std::invalid_argument("parameter " + p.name + ": pattern '" + p.pattern +
                                  "' is not a valid ECMAScript regular expression (" + e.what() +
                                  ")");
    }
  }
}

}  // namespace zaplify::core
